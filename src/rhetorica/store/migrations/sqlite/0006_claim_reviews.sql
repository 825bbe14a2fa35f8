-- A person's review of a claim (`rhetorica review`): verdict, note, chosen evidence, who and
-- when. Keyed by the statement and the claim's normalised text, not by span ids, so a review
-- survives re-analysis; every review is kept (the latest is the claim's current verdict).
CREATE TABLE claim_reviews (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    claim_key TEXT NOT NULL,             -- sha256 of the claim's normalised text
    claim_text TEXT NOT NULL,
    start INTEGER,                       -- character offsets when reviewed
    "end" INTEGER,
    verdict TEXT NOT NULL CHECK (verdict IN ('supported', 'refuted', 'misleading',
                                             'not_checkable', 'needs_more')),
    note TEXT NOT NULL DEFAULT '',
    evidence_json TEXT NOT NULL DEFAULT '[]',
    reviewer TEXT NOT NULL,
    reviewed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX claim_reviews_claim ON claim_reviews(document_id, claim_key, id);
