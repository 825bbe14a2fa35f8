-- Core schema for PostgreSQL, mirroring sqlite/0001_core.sql: speakers, documents (with a
-- generated tsvector + GIN index for full-text search), analyses and their spans.
-- Text columns that are compared or sorted (key, speaker name, date) use the "C" collation
-- so ordering and prefix matching are byte-wise, exactly as in SQLite, whatever the
-- server's locale; dates are kept as ISO 8601 text as given by the source. JSON (not JSONB)
-- columns keep keys in the order components wrote them, so reports read back from either
-- backend list things in the same order; query them with ->> or cast to jsonb when needed.
CREATE TABLE speakers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE documents (
    id BIGSERIAL PRIMARY KEY,
    key TEXT COLLATE "C" NOT NULL UNIQUE,
    text TEXT NOT NULL,
    speaker_id BIGINT REFERENCES speakers(id),
    date TEXT COLLATE "C",
    source TEXT,
    title TEXT,
    url TEXT,
    origin TEXT,
    meta_json JSON NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    tsv TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english'::regconfig, text), 'B')
    ) STORED
);
CREATE INDEX documents_speaker_date ON documents(speaker_id, date);
CREATE INDEX documents_date ON documents(date);
CREATE INDEX documents_tsv ON documents USING GIN (tsv);

CREATE TABLE analyses (
    id BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    pipeline TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    intensity DOUBLE PRECISION,
    results_json JSON NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (document_id, pipeline)
);

CREATE TABLE spans (
    id BIGSERIAL PRIMARY KEY,
    analysis_id BIGINT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    layer TEXT NOT NULL,
    label TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL DEFAULT '',
    attrs_json JSON NOT NULL DEFAULT '{}',
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX spans_analysis ON spans(analysis_id);
CREATE INDEX spans_layer_label ON spans(layer, label);
