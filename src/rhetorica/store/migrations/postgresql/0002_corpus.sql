-- Evidence corpus for PostgreSQL, mirroring sqlite/0002_corpus.sql: sources, documents,
-- passages (tsvector + GIN for lexical retrieval) and one dense vector per passage and model.
-- Vectors are little-endian float16 in BYTEA, exactly as in SQLite, because Debian 12 has
-- no pgvector package; see docs/scaling.md for the pgvector/ANN path at larger scale.
CREATE TABLE corpus_sources (
    id BIGSERIAL PRIMARY KEY,
    name TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE corpus_documents (
    id BIGSERIAL PRIMARY KEY,
    key TEXT COLLATE "C" NOT NULL UNIQUE,
    source_id BIGINT REFERENCES corpus_sources(id),
    title TEXT,
    author TEXT,
    published TEXT COLLATE "C",
    url TEXT,
    origin TEXT NOT NULL,
    text TEXT NOT NULL,
    meta_json JSON NOT NULL DEFAULT '{}',
    added_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX corpus_documents_published ON corpus_documents(published);
CREATE INDEX corpus_documents_source ON corpus_documents(source_id);

CREATE TABLE passages (
    id BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES corpus_documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    key TEXT COLLATE "C" NOT NULL,
    tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED,
    CHECK (start >= 0 AND "end" > start),
    UNIQUE (document_id, seq)
);
CREATE INDEX passages_key ON passages(key);
CREATE INDEX passages_tsv ON passages USING GIN (tsv);

CREATE TABLE passage_embeddings (
    passage_id BIGINT NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BYTEA NOT NULL,
    PRIMARY KEY (passage_id, model)
);

CREATE TABLE corpus_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL DEFAULT 0
);
INSERT INTO corpus_state(id, generation) VALUES (1, 0);
