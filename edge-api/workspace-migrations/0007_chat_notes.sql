-- Private notes: what agents tell each other about a chat. They are not messages: no
-- seq, never on the visitor's socket, list, mail or webhooks.
CREATE TABLE chat_notes (
    id           TEXT PRIMARY KEY,
    chat_id      TEXT NOT NULL,
    author_id    TEXT NOT NULL,
    author_name  TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX chat_notes_by_chat ON chat_notes (chat_id, created_at)
