-- Mail about a chat: who is due to be told of what, what each recipient has been sent,
-- and every attempt. The visitor's language picks the mail's; an unsubscribed visitor
-- gets no mail from this workspace again.
ALTER TABLE visitors ADD COLUMN language TEXT;
ALTER TABLE visitors ADD COLUMN unsubscribed_at TEXT;

-- A chat whose newest messages nobody has answered (audience 'agents': the visitor
-- wrote; 'visitor': an agent did). The first unanswered message sets due_at; later ones
-- leave it, so a burst becomes one mail. The alarm hands each due row to the queue.
CREATE TABLE email_watches (
    chat_id       TEXT NOT NULL,
    audience      TEXT NOT NULL CHECK (audience IN ('agents', 'visitor')),
    due_at        TEXT NOT NULL,
    -- The queue's jobs name the workspace; the object does not know its own name.
    workspace_id  TEXT NOT NULL,
    PRIMARY KEY (chat_id, audience)
) WITHOUT ROWID;
CREATE INDEX email_watches_due ON email_watches (due_at);

-- Per chat and recipient ('agent:<id>', 'visitor:<id>', 'transcript'): the last message
-- seq they were sent or saw, and when mail last went (the minimum gap counts from it).
CREATE TABLE email_cursors (
    chat_id    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    last_seq   INTEGER NOT NULL DEFAULT 0,
    sent_at    TEXT,
    PRIMARY KEY (chat_id, recipient)
) WITHOUT ROWID;

-- Every sending attempt, for GET /v1/chats/{id}/emails and the console's chat view.
CREATE TABLE email_log (
    id          TEXT PRIMARY KEY,
    chat_id     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('agent_notification', 'visitor_reply', 'transcript')),
    status      TEXT NOT NULL CHECK (status IN ('sent', 'failed')),
    error       TEXT,
    -- The queue job the attempt belongs to; its retries count up `attempt`.
    mail_id     TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX email_log_by_chat ON email_log (chat_id, created_at);

-- The workspace's settings (GET/PATCH /v1/settings), one JSON document per section.
CREATE TABLE settings (
    section     TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
)
