-- A person's review of a claim, mirroring sqlite/0006_claim_reviews.sql.
CREATE TABLE claim_reviews (
    id BIGSERIAL PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    claim_key TEXT COLLATE "C" NOT NULL,
    claim_text TEXT NOT NULL,
    start INTEGER,
    "end" INTEGER,
    verdict TEXT NOT NULL CHECK (verdict IN ('supported', 'refuted', 'misleading',
                                             'not_checkable', 'needs_more')),
    note TEXT NOT NULL DEFAULT '',
    evidence_json JSON NOT NULL DEFAULT '[]',
    reviewer TEXT NOT NULL,
    reviewed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX claim_reviews_claim ON claim_reviews(document_id, claim_key, id);
