-- Raw HTTP responses behind URL-fetched corpus documents (`rhetorica corpus add URL`): what
-- the server sent, compressed, beside the text extracted from it, so a citation can be
-- re-checked and the text re-extracted without the network; and the validators (ETag,
-- Last-Modified) a re-run sends so an unchanged page answers 304 and is skipped.
-- A row is written in the same transaction as its documents: a URL that failed has neither.
CREATE TABLE corpus_fetches (
    url TEXT PRIMARY KEY,                -- as requested; the documents' origin
    final_url TEXT NOT NULL,             -- after same-origin redirects
    kind TEXT NOT NULL,                  -- html | pdf | feed | sitemap
    status INTEGER NOT NULL,             -- HTTP status of the stored response (200)
    content_type TEXT,                   -- as sent, parameters included
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,            -- UTC, ISO 8601
    raw_size INTEGER NOT NULL,           -- bytes of the body (after Content-Encoding)
    raw_sha256 TEXT NOT NULL,            -- of the body: checked when it is read back
    raw BLOB NOT NULL,                   -- the body, zlib-compressed
    document_keys TEXT NOT NULL DEFAULT '[]'  -- JSON array of corpus_documents.key
);
