-- Raw HTTP responses behind URL-fetched corpus documents, mirroring sqlite/0005_fetches.sql:
-- the body (zlib-compressed) beside the extracted text, so citations can be re-checked and
-- text re-extracted offline, and the validators a re-run sends for a 304.
CREATE TABLE corpus_fetches (
    url TEXT COLLATE "C" PRIMARY KEY,
    final_url TEXT NOT NULL,
    kind TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,
    raw_size BIGINT NOT NULL,
    raw_sha256 TEXT NOT NULL,
    raw BYTEA NOT NULL,
    document_keys JSON NOT NULL DEFAULT '[]'
);
