-- Webhooks and the log of their delivery attempts, moved out of the shared D1 database.
-- The signing secret is kept sealed (AES-256-GCM under ENCRYPTION_KEY, bound to the
-- webhook's id), never readable at rest, and never exported.
CREATE TABLE webhooks (
    id             TEXT PRIMARY KEY,
    url            TEXT NOT NULL,
    -- JSON array of the subscribed events, in the order given.
    events         TEXT NOT NULL,
    secret_sealed  TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    -- Set at the first failure of a run of failures; a webhook failing for a day is
    -- deactivated.
    failing_since  TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX webhooks_by_age ON webhooks (created_at);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks(id),
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    status_code     INTEGER,
    duration_ms     INTEGER,
    error           TEXT,
    next_retry_at   TEXT,
    dead_lettered   INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
);
-- The deliveries log of one webhook, newest first.
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC);
-- The consumer asks, before each attempt, what an event already had at a webhook.
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (webhook_id, event_id);
-- The object's daily alarm deletes by age.
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
