-- Core schema: speakers, documents (with FTS5), analyses and their spans.
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    speaker_id INTEGER REFERENCES speakers(id),
    date TEXT,
    source TEXT,
    title TEXT,
    url TEXT,
    origin TEXT,
    meta_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX documents_speaker_date ON documents(speaker_id, date);
CREATE INDEX documents_date ON documents(date);

CREATE TABLE analyses (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    pipeline TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    intensity REAL,
    results_json TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (document_id, pipeline)
);

CREATE TABLE spans (
    id INTEGER PRIMARY KEY,
    analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    layer TEXT NOT NULL,
    label TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    score REAL NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL DEFAULT '',
    attrs_json TEXT NOT NULL DEFAULT '{}',
    CHECK (start >= 0 AND "end" > start)
);
CREATE INDEX spans_analysis ON spans(analysis_id);
CREATE INDEX spans_layer_label ON spans(layer, label);

CREATE VIRTUAL TABLE documents_fts USING fts5(
    text, title, content='documents', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, text, title) VALUES (new.id, new.text, coalesce(new.title, ''));
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, text, title)
    VALUES ('delete', old.id, old.text, coalesce(old.title, ''));
END;
CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, text, title)
    VALUES ('delete', old.id, old.text, coalesce(old.title, ''));
    INSERT INTO documents_fts(rowid, text, title) VALUES (new.id, new.text, coalesce(new.title, ''));
END;
