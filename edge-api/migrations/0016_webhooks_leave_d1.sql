-- Webhooks and their deliveries now live in each workspace's own database (the Workspace
-- Durable Object, edge-api/workspace-migrations/0002_webhooks.sql). Nothing is deployed,
-- so no rows move.
DROP INDEX IF EXISTS webhook_deliveries_created;
DROP INDEX IF EXISTS webhook_deliveries_event;
DROP INDEX IF EXISTS webhook_deliveries_webhook;
DROP TABLE webhook_deliveries;
DROP INDEX IF EXISTS webhooks_workspace;
DROP TABLE webhooks;
