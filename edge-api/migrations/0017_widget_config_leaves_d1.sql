-- The widget configuration now lives in each workspace's own database (the Workspace
-- Durable Object, edge-api/workspace-migrations/0003_widget_config.sql). Nothing is
-- deployed, so no rows move.
DROP TABLE widget_config;
