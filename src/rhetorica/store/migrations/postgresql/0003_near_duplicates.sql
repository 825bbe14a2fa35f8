-- Wire copies, mirroring sqlite/0004_near_duplicates.sql: a MinHash signature per document,
-- one indexed key per LSH band, and the copy group (id of its first-stored member).
ALTER TABLE corpus_documents ADD COLUMN dup_group BIGINT;
CREATE INDEX corpus_documents_dup_group ON corpus_documents(dup_group);

CREATE TABLE corpus_fingerprints (
    document_id BIGINT PRIMARY KEY REFERENCES corpus_documents(id) ON DELETE CASCADE,
    shingles INTEGER NOT NULL,
    signature BYTEA NOT NULL
);

CREATE TABLE corpus_bands (
    key BIGINT NOT NULL,
    document_id BIGINT NOT NULL REFERENCES corpus_documents(id) ON DELETE CASCADE
);
CREATE INDEX corpus_bands_key ON corpus_bands(key);
CREATE INDEX corpus_bands_document ON corpus_bands(document_id);

-- Documents stored before this migration are fingerprinted by the next `corpus add`.
ALTER TABLE corpus_state ADD COLUMN copies_backfilled INTEGER NOT NULL DEFAULT 0;

-- A page fetched again with new text is a new document at the same URL: the older versions
-- are found through this index and left out of verification.
CREATE INDEX corpus_documents_url ON corpus_documents(url);
