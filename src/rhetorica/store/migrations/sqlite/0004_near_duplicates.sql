-- Wire copies (rhetorica.ingest.near_duplicates): every document long enough to compare
-- gets a MinHash signature and one indexed key per LSH band; a document found to be a copy
-- of an earlier one joins its group. `dup_group` is the id of the group's first-stored
-- member (its own id when it has no copy; NULL when too short to compare).
ALTER TABLE corpus_documents ADD COLUMN dup_group INTEGER;
CREATE INDEX corpus_documents_dup_group ON corpus_documents(dup_group);

CREATE TABLE corpus_fingerprints (
    document_id INTEGER PRIMARY KEY REFERENCES corpus_documents(id) ON DELETE CASCADE,
    shingles INTEGER NOT NULL,           -- distinct word shingles the signature summarises
    signature BLOB NOT NULL              -- little-endian uint32 MinHash values
);

CREATE TABLE corpus_bands (
    key INTEGER NOT NULL,                -- 63-bit hash of (band index, band rows)
    document_id INTEGER NOT NULL REFERENCES corpus_documents(id) ON DELETE CASCADE
);
CREATE INDEX corpus_bands_key ON corpus_bands(key);
CREATE INDEX corpus_bands_document ON corpus_bands(document_id);

-- Documents stored before this migration are fingerprinted by the next `corpus add`.
ALTER TABLE corpus_state ADD COLUMN copies_backfilled INTEGER NOT NULL DEFAULT 0;

-- A page fetched again with new text is a new document at the same URL: the older versions
-- are found through this index and left out of verification.
CREATE INDEX corpus_documents_url ON corpus_documents(url);
