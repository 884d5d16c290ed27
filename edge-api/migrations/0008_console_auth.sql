-- Console sign-in. agents.password_hash (0001) holds
-- "pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>"; these tables hold what a
-- password gives: sessions, one-time invitations, and recent failures for throttling.
-- Secrets are never stored: sessions and invitations are kept by their SHA-256.

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    agent_id      TEXT NOT NULL REFERENCES agents(id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
-- Signing out everywhere and sweeping expired rows.
CREATE INDEX sessions_agent ON sessions (agent_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE invitations (
    token_hash    TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL REFERENCES workspaces(id),
    agent_id      TEXT NOT NULL REFERENCES agents(id),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    used_at       TEXT
);
CREATE INDEX invitations_agent ON invitations (agent_id);

-- One row per failed sign-in, under "email:<email>" and "ip:<address>"; only the
-- last 15 minutes matter, older rows are deleted as new ones come.
CREATE TABLE login_failures (
    subject    TEXT NOT NULL,
    failed_at  TEXT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (subject, failed_at);
