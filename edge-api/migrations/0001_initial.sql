-- ChatFlow schema. Every row belongs to one workspace, and every list or analytics query
-- starts with workspace_id, so each index leads with it. Timestamps are RFC 3339 UTC
-- strings ("2026-02-11T14:23:00Z"): they sort lexically in time order.

CREATE TABLE workspaces (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE agents (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id),
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'operator')),
    -- The status the agent chose (online/away/offline); presence from open sockets is
    -- combined with it when agents are listed.
    status         TEXT NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'away', 'offline')),
    password_hash  TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE UNIQUE INDEX agents_workspace_email ON agents (workspace_id, email);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    agent_id      TEXT NOT NULL REFERENCES agents(id),
    name          TEXT NOT NULL,
    -- The first characters of the key, shown in lists so an owner can tell keys apart.
    prefix        TEXT NOT NULL,
    -- Hex SHA-256 of the whole key; the key itself is never stored.
    key_hash      TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX api_keys_workspace ON api_keys (workspace_id, created_at);

CREATE TABLE visitors (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    name          TEXT,
    email         TEXT,
    phone         TEXT,
    metadata      TEXT NOT NULL DEFAULT '{}',
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);
CREATE INDEX visitors_workspace ON visitors (workspace_id, created_at);

CREATE TABLE chats (
    id                         TEXT PRIMARY KEY,
    workspace_id               TEXT NOT NULL REFERENCES workspaces(id),
    visitor_id                 TEXT NOT NULL REFERENCES visitors(id),
    status                     TEXT NOT NULL CHECK (status IN ('active', 'assigned', 'closed')),
    assigned_to                TEXT REFERENCES agents(id),
    tags                       TEXT NOT NULL DEFAULT '[]',
    notes                      TEXT,
    page_url                   TEXT,
    -- Visitor messages no agent has read yet (the spec's unread_count), and the reverse.
    unread_count               INTEGER NOT NULL DEFAULT 0,
    visitor_unread_count       INTEGER NOT NULL DEFAULT 0,
    -- The last per-chat message sequence number handed out by the ChatRoom object.
    last_seq                   INTEGER NOT NULL DEFAULT 0,
    last_message_at            TEXT,
    -- max(created_at, last_message_at): what "newest activity first" sorts by.
    last_activity_at           TEXT NOT NULL,
    -- Stored when they happen so analytics never scans messages.
    first_visitor_message_at   TEXT,
    first_response_at          TEXT,
    closed_at                  TEXT,
    reopened_count             INTEGER NOT NULL DEFAULT 0,
    -- Distinct agents who replied; first contact resolution needs exactly one.
    agents_replied             INTEGER NOT NULL DEFAULT 0,
    rating_score               INTEGER CHECK (rating_score BETWEEN 1 AND 5),
    rating_comment             TEXT,
    rated_at                   TEXT,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL
);
CREATE INDEX chats_workspace_activity ON chats (workspace_id, last_activity_at DESC, id);
CREATE INDEX chats_workspace_status_activity ON chats (workspace_id, status, last_activity_at DESC, id);
CREATE INDEX chats_workspace_agent_activity ON chats (workspace_id, assigned_to, last_activity_at DESC, id);
CREATE INDEX chats_workspace_visitor ON chats (workspace_id, visitor_id, last_activity_at DESC);
CREATE INDEX chats_workspace_created ON chats (workspace_id, created_at);
CREATE INDEX chats_workspace_closed ON chats (workspace_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX chats_workspace_rated ON chats (workspace_id, rated_at) WHERE rated_at IS NOT NULL;
CREATE INDEX chats_agent_created ON chats (assigned_to, created_at) WHERE assigned_to IS NOT NULL;

CREATE TABLE messages (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    chat_id       TEXT NOT NULL REFERENCES chats(id),
    seq           INTEGER NOT NULL,
    sender_type   TEXT NOT NULL CHECK (sender_type IN ('agent', 'visitor', 'system')),
    sender_id     TEXT,
    sender_name   TEXT,
    text          TEXT NOT NULL,
    attachments   TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX messages_chat_seq ON messages (chat_id, seq);

CREATE TABLE widget_config (
    workspace_id      TEXT PRIMARY KEY REFERENCES workspaces(id),
    color             TEXT NOT NULL,
    shape             TEXT NOT NULL CHECK (shape IN ('rounded', 'square', 'circle')),
    position          TEXT NOT NULL CHECK (position IN ('bottom-right', 'bottom-left')),
    button_text       TEXT NOT NULL,
    welcome_message   TEXT NOT NULL,
    offline_message   TEXT NOT NULL,
    domains           TEXT NOT NULL DEFAULT '[]',
    show_powered_by   INTEGER NOT NULL DEFAULT 1,
    logo_url          TEXT,
    updated_at        TEXT NOT NULL
);

CREATE TABLE triggers (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id),
    name           TEXT NOT NULL,
    condition      TEXT NOT NULL CHECK (condition IN ('page_load', 'exit_intent', 'time_on_page', 'scroll_depth')),
    delay_seconds  INTEGER NOT NULL DEFAULT 0,
    message        TEXT NOT NULL,
    url_pattern    TEXT NOT NULL DEFAULT '*',
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX triggers_workspace ON triggers (workspace_id, created_at);

CREATE TABLE files (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id),
    chat_id        TEXT REFERENCES chats(id),
    -- Who asked for the upload: an agent id or a visitor id.
    uploader_type  TEXT NOT NULL CHECK (uploader_type IN ('agent', 'visitor')),
    uploader_id    TEXT NOT NULL,
    filename       TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     INTEGER NOT NULL,
    r2_key         TEXT NOT NULL UNIQUE,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'confirmed')),
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    confirmed_at   TEXT
);
CREATE INDEX files_workspace_chat ON files (workspace_id, chat_id);

CREATE TABLE webhooks (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL REFERENCES workspaces(id),
    url            TEXT NOT NULL,
    events         TEXT NOT NULL,
    secret         TEXT NOT NULL,
    active         INTEGER NOT NULL DEFAULT 1,
    -- Set at the first failure of a run of failures; a webhook failing for a day is
    -- deactivated.
    failing_since  TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX webhooks_workspace ON webhooks (workspace_id, created_at);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    webhook_id      TEXT NOT NULL REFERENCES webhooks(id),
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
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
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, created_at DESC);

-- Replays of POSTs carrying the same Idempotency-Key return the stored response.
CREATE TABLE idempotency_keys (
    scope          TEXT NOT NULL,
    key            TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    status         INTEGER NOT NULL,
    response_body  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
