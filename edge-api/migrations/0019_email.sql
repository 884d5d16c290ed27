-- Mail. An agent chooses when they are mailed about visitors nobody answered; the
-- directory maps each reply address a mail carried to its chat and recipient, because
-- inbound mail arrives before anything knows its workspace.
ALTER TABLE agents ADD COLUMN email_notifications TEXT NOT NULL DEFAULT 'offline'
    CHECK (email_notifications IN ('offline', 'always', 'off'));

CREATE TABLE reply_addresses (
    -- The random part of the address's signed token (domain::email::reply_token).
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL REFERENCES workspaces(id),
    chat_id         TEXT NOT NULL,
    -- Who the mail went to, and so who may answer from which address.
    recipient_type  TEXT NOT NULL CHECK (recipient_type IN ('agent', 'visitor')),
    recipient_id    TEXT NOT NULL,
    email           TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX reply_addresses_by_workspace ON reply_addresses (workspace_id);
CREATE INDEX reply_addresses_by_age ON reply_addresses (created_at);
