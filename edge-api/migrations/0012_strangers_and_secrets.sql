-- Webhook signing secrets are kept sealed (AES-256-GCM under the ENCRYPTION_KEY
-- secret, bound to the webhook's id), never readable at rest. Nothing is deployed, so no
-- stored secret needs sealing here; the column's new name says what it holds.
ALTER TABLE webhooks RENAME COLUMN secret TO secret_sealed;
