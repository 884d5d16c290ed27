-- The widget's configuration, moved out of the shared D1 database: one row per object,
-- the workspace's own (`id` is always 1). The identity secret is kept sealed
-- (crypto::seal under ENCRYPTION_KEY), never readable at rest.
CREATE TABLE widget_config (
    id                      INTEGER PRIMARY KEY CHECK (id = 1),
    color                   TEXT NOT NULL,
    shape                   TEXT NOT NULL CHECK (shape IN ('rounded', 'square', 'circle')),
    position                TEXT NOT NULL CHECK (position IN ('bottom-right', 'bottom-left')),
    button_text             TEXT NOT NULL,
    welcome_message         TEXT NOT NULL,
    offline_message         TEXT NOT NULL,
    domains                 TEXT NOT NULL DEFAULT '[]',
    show_powered_by         INTEGER NOT NULL DEFAULT 1,
    logo_url                TEXT,
    prechat_enabled         INTEGER NOT NULL DEFAULT 0,
    prechat_require_name    INTEGER NOT NULL DEFAULT 0,
    prechat_require_email   INTEGER NOT NULL DEFAULT 0,
    theme                   TEXT NOT NULL DEFAULT 'light' CHECK (theme IN ('light', 'dark', 'auto')),
    require_identity        INTEGER NOT NULL DEFAULT 0,
    identity_secret_sealed  TEXT,
    updated_at              TEXT NOT NULL
);
