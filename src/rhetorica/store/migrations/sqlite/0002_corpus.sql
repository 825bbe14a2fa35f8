-- Evidence corpus (`rhetorica corpus`, `rhetorica verify`): the documents a claim is checked
-- against, split into passages (FTS5 for BM25) with one dense vector per passage.
-- A corpus document's identity is the hash of its text; re-adding it is a no-op.
CREATE TABLE corpus_sources (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,           -- publisher / feed title / file folder
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE corpus_documents (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,            -- sha256 of the normalised text
    source_id INTEGER REFERENCES corpus_sources(id),
    title TEXT,
    author TEXT,
    published TEXT,                      -- ISO date (YYYY-MM-DD...) when known
    url TEXT,
    origin TEXT NOT NULL,                -- file (and line / entry) it was read from
    text TEXT NOT NULL,
    meta_json TEXT NOT NULL DEFAULT '{}',
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX corpus_documents_published ON corpus_documents(published);
CREATE INDEX corpus_documents_source ON corpus_documents(source_id);

CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES corpus_documents(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,              -- character offsets into corpus_documents.text
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    key TEXT NOT NULL,                   -- sha256 of the normalised passage text (dedup)
    CHECK (start >= 0 AND "end" > start),
    UNIQUE (document_id, seq)
);
CREATE INDEX passages_key ON passages(key);

CREATE TABLE passage_embeddings (
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,                -- little-endian float16, L2-normalised
    PRIMARY KEY (passage_id, model)
);

CREATE VIRTUAL TABLE passages_fts USING fts5(
    text, content='passages', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER passages_au AFTER UPDATE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;

-- Bumped on every corpus change so cached vector matrices know when to reload.
CREATE TABLE corpus_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL DEFAULT 0
);
INSERT INTO corpus_state(id, generation) VALUES (1, 0);

-- Document frequency per (stemmed) term, so queries can drop terms too common to rank by.
CREATE VIRTUAL TABLE passages_fts_vocab USING fts5vocab(passages_fts, 'row');
