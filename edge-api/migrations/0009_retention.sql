-- The daily sweep (the worker's scheduled handler) deletes by age; these indexes let it
-- find old rows without reading the tables.
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
CREATE INDEX files_pending_expiry ON files (expires_at) WHERE status = 'pending';
