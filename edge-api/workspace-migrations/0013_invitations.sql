-- Agents' invitations to visitors on the site (POST /v1/visitors/{id}/invite). One
-- waits for the browser's next beat (delivered_at), then for the visitor's answer
-- (chat_id). A browser has at most one waiting: a newer invitation replaces it.
CREATE TABLE invitations (
    id           TEXT PRIMARY KEY,
    presence_id  TEXT NOT NULL,
    visitor_id   TEXT NOT NULL,
    agent_id     TEXT NOT NULL,
    agent_name   TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    delivered_at TEXT,
    chat_id      TEXT
);
-- A beat looks for its browser's waiting invitation.
CREATE INDEX invitations_waiting ON invitations (presence_id) WHERE delivered_at IS NULL;
-- The alarm forgets old ones.
CREATE INDEX invitations_created ON invitations (created_at);
