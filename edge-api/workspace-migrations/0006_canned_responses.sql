-- The team's canned responses: typed after `/` in the composer, filled and sent as the
-- agent's own text. A shortcut names one response in the workspace.
CREATE TABLE canned_responses (
    id          TEXT PRIMARY KEY,
    shortcut    TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
)
