-- The Workspace object's first schema: the tenant's automation triggers, moved out of
-- the shared D1 database. Every table of the object belongs to one workspace, so no
-- table carries a workspace_id.
CREATE TABLE triggers (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    condition      TEXT NOT NULL CHECK (condition IN ('page_load', 'exit_intent', 'time_on_page', 'scroll_depth')),
    delay_seconds  INTEGER NOT NULL DEFAULT 0,
    message        TEXT NOT NULL,
    url_pattern    TEXT NOT NULL DEFAULT '*',
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX triggers_by_age ON triggers (created_at);
