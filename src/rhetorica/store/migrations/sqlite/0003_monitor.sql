-- Monitoring (`rhetorica watch`): source cursors, items already processed, indicator hits,
-- speaker intensity readings and alerts. An item's row, its hits, its alerts and its
-- source's cursor are written in ONE transaction, so a crash loses or duplicates nothing.
CREATE TABLE watch_sources (
    id INTEGER PRIMARY KEY,
    uri TEXT NOT NULL UNIQUE,            -- kind:location, e.g. jsonl:/data/posts.jsonl
    kind TEXT NOT NULL,                  -- folder | feed | jsonl
    cursor_json TEXT NOT NULL DEFAULT '{}',
    last_polled_at TEXT,
    items_seen INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE watch_items (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES watch_sources(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,              -- stable per item: offset, entry id, path + hash
    document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    speaker TEXT,
    date TEXT,                           -- the item's own date (ISO), else when it was seen
    intensity REAL,
    processed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (source_id, item_key)
);
CREATE INDEX watch_items_speaker_date ON watch_items(speaker, date);
CREATE INDEX watch_items_date ON watch_items(date);

CREATE TABLE indicator_hits (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES watch_items(id) ON DELETE CASCADE,
    document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    indicator TEXT NOT NULL,
    topic TEXT NOT NULL,
    severity TEXT NOT NULL,
    date TEXT,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    method TEXT NOT NULL,                -- regex | tokens | example
    score REAL NOT NULL,
    evidence TEXT NOT NULL,              -- the matched sentence
    UNIQUE (item_id, indicator)
);
CREATE INDEX indicator_hits_topic_date ON indicator_hits(topic, date);
CREATE INDEX indicator_hits_indicator ON indicator_hits(indicator, date);

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,                  -- indicator_first | intensity_jump
    subject TEXT NOT NULL,               -- indicator id or speaker name
    date TEXT,
    item_id INTEGER REFERENCES watch_items(id) ON DELETE SET NULL,
    document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    severity TEXT NOT NULL DEFAULT 'info',
    message TEXT NOT NULL,
    payload_json TEXT NOT NULL DEFAULT '{}',
    sinks_done TEXT NOT NULL DEFAULT '[]',  -- JSON list of sinks that have it
    delivered_at TEXT,                   -- NULL until every configured sink has it
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX alerts_first_once ON alerts(subject) WHERE kind = 'indicator_first';
CREATE INDEX alerts_undelivered ON alerts(delivered_at) WHERE delivered_at IS NULL;
