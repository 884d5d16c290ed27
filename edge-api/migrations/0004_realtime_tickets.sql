-- Realtime tickets are single-use: a ticket's nonce is recorded when it is spent.
CREATE TABLE used_tickets (
    nonce       TEXT PRIMARY KEY,
    expires_at  TEXT NOT NULL
);
CREATE INDEX used_tickets_expiry ON used_tickets (expires_at);
