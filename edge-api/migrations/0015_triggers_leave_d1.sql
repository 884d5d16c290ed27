-- Triggers now live in each workspace's own database (the Workspace Durable Object,
-- edge-api/workspace-migrations/0001_triggers.sql). Nothing is deployed, so no rows move.
DROP INDEX IF EXISTS triggers_workspace;
DROP TABLE triggers;
