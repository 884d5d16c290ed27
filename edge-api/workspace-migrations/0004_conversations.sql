-- The tenant's conversations, moved out of the shared D1 database together, since they
-- hang together: a chat's list row joins its visitor, its files name it, and the
-- analytics rollups are kept by triggers on chats. No table carries a workspace_id: the
-- whole database is one workspace's.

CREATE TABLE visitors (
    id            TEXT PRIMARY KEY,
    name          TEXT,
    email         TEXT,
    phone         TEXT,
    metadata      TEXT NOT NULL DEFAULT '{}',
    -- The site's own id for the user, when the session named one.
    user_id       TEXT,
    -- 1 when the session's user_hash proved the identity.
    verified      INTEGER NOT NULL DEFAULT 0,
    blocked_at    TEXT,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);

CREATE TABLE chats (
    id                         TEXT PRIMARY KEY,
    visitor_id                 TEXT NOT NULL REFERENCES visitors(id),
    status                     TEXT NOT NULL CHECK (status IN ('active', 'assigned', 'closed')),
    -- An agent of the directory; the object never reads D1, the service checked it.
    assigned_to                TEXT,
    tags                       TEXT NOT NULL DEFAULT '[]',
    notes                      TEXT,
    page_url                   TEXT,
    -- Visitor messages no agent has read yet (the spec's unread_count), and the reverse.
    unread_count               INTEGER NOT NULL DEFAULT 0,
    visitor_unread_count       INTEGER NOT NULL DEFAULT 0,
    -- The seq of the chat's last message; the next one takes last_seq + 1.
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
-- The inbox's orders: all, by status, by assignee, a visitor's own.
CREATE INDEX chats_by_activity ON chats (last_activity_at DESC, id);
CREATE INDEX chats_by_status ON chats (status, last_activity_at DESC, id);
CREATE INDEX chats_by_agent ON chats (assigned_to, last_activity_at DESC, id);
CREATE INDEX chats_by_visitor ON chats (visitor_id, last_activity_at DESC);
-- Analytics over ranges that are not whole hours read these, never the table.
CREATE INDEX chats_analytics_created ON chats
    (created_at, assigned_to, status, first_visitor_message_at, first_response_at);
CREATE INDEX chats_analytics_closed ON chats
    (closed_at, assigned_to, created_at, reopened_count, agents_replied)
    WHERE closed_at IS NOT NULL;
CREATE INDEX chats_analytics_rated ON chats
    (rated_at, assigned_to, rating_score)
    WHERE rated_at IS NOT NULL;

-- How many chats have each status and assignee ('' for none): an inbox's total is a few
-- rows to add up, however many chats there are.
CREATE TABLE chat_counts (
    status        TEXT NOT NULL,
    assigned_to   TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (status, assigned_to)
) WITHOUT ROWID;

CREATE TRIGGER chat_counts_after_insert AFTER INSERT ON chats
BEGIN
    INSERT INTO chat_counts (status, assigned_to, n)
        VALUES (NEW.status, COALESCE(NEW.assigned_to, ''), 1)
    ON CONFLICT (status, assigned_to) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER chat_counts_after_update AFTER UPDATE OF status, assigned_to ON chats
WHEN OLD.status IS NOT NEW.status OR OLD.assigned_to IS NOT NEW.assigned_to
BEGIN
    UPDATE chat_counts SET n = n - 1
     WHERE status = OLD.status AND assigned_to = COALESCE(OLD.assigned_to, '');
    INSERT INTO chat_counts (status, assigned_to, n)
        VALUES (NEW.status, COALESCE(NEW.assigned_to, ''), 1)
    ON CONFLICT (status, assigned_to) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER chat_counts_after_delete AFTER DELETE ON chats
BEGIN
    UPDATE chat_counts SET n = n - 1
     WHERE status = OLD.status AND assigned_to = COALESCE(OLD.assigned_to, '');
END;

-- A message costs one row and its primary key, nothing more: every read is a chat's
-- messages in seq order.
CREATE TABLE messages (
    chat_id       TEXT NOT NULL REFERENCES chats(id),
    seq           INTEGER NOT NULL,
    id            TEXT NOT NULL,
    sender_type   TEXT NOT NULL CHECK (sender_type IN ('agent', 'visitor', 'system')),
    sender_id     TEXT,
    sender_name   TEXT,
    text          TEXT NOT NULL,
    attachments   TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL,
    PRIMARY KEY (chat_id, seq)
) WITHOUT ROWID;

-- Metadata only; the bytes are in R2 under r2_key.
CREATE TABLE files (
    id             TEXT PRIMARY KEY,
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
CREATE INDEX files_by_chat ON files (chat_id) WHERE chat_id IS NOT NULL;
CREATE INDEX files_pending_expiry ON files (expires_at) WHERE status = 'pending';

-- Remembered answers to POSTs with an Idempotency-Key, sealed; see routes/idempotency.rs.
CREATE TABLE idempotency_keys (
    scope          TEXT NOT NULL,
    key            TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    -- 0 while the first request is still being answered.
    status         INTEGER NOT NULL,
    response_body  TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Realtime tickets spent, until they would have expired anyway.
CREATE TABLE used_tickets (
    nonce       TEXT PRIMARY KEY,
    expires_at  TEXT NOT NULL
);
CREATE INDEX used_tickets_expiry ON used_tickets (expires_at);

-- Analytics rollups: what each chat contributes to the figures of its UTC day and hour,
-- per agent ('' for none), kept by the triggers below as chats change.
CREATE TABLE stats_daily (
    bucket         TEXT NOT NULL,   -- 'YYYY-MM-DD'
    agent          TEXT NOT NULL,
    created        INTEGER NOT NULL DEFAULT 0,
    resolved       INTEGER NOT NULL DEFAULT 0,
    response_n     INTEGER NOT NULL DEFAULT 0,
    response_s     INTEGER NOT NULL DEFAULT 0,
    closed         INTEGER NOT NULL DEFAULT 0,
    resolution_s   INTEGER NOT NULL DEFAULT 0,
    first_contact  INTEGER NOT NULL DEFAULT 0,
    ratings        INTEGER NOT NULL DEFAULT 0,
    rating_sum     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, agent)
) WITHOUT ROWID;
CREATE TABLE stats_hourly (
    bucket         TEXT NOT NULL,   -- 'YYYY-MM-DDTHH'
    agent          TEXT NOT NULL,
    created        INTEGER NOT NULL DEFAULT 0,
    resolved       INTEGER NOT NULL DEFAULT 0,
    response_n     INTEGER NOT NULL DEFAULT 0,
    response_s     INTEGER NOT NULL DEFAULT 0,
    closed         INTEGER NOT NULL DEFAULT 0,
    resolution_s   INTEGER NOT NULL DEFAULT 0,
    first_contact  INTEGER NOT NULL DEFAULT 0,
    ratings        INTEGER NOT NULL DEFAULT 0,
    rating_sum     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, agent)
) WITHOUT ROWID;

-- A chat's contributions, one row per moment it counts at: created, closed, rated.
CREATE VIEW chat_contributions AS
SELECT id AS chat_id, created_at AS at, COALESCE(assigned_to, '') AS agent,
       1 AS created, status = 'closed' AS resolved,
       COALESCE(first_response_at >= first_visitor_message_at, 0) AS response_n,
       CASE WHEN first_response_at >= first_visitor_message_at THEN
         CAST(round((julianday(first_response_at) - julianday(first_visitor_message_at)) * 86400) AS INTEGER)
       ELSE 0 END AS response_s,
       0 AS closed, 0 AS resolution_s, 0 AS first_contact, 0 AS ratings, 0 AS rating_sum
  FROM chats
UNION ALL
SELECT id, closed_at, COALESCE(assigned_to, ''), 0, 0, 0, 0, 1,
       CAST(round((julianday(closed_at) - julianday(created_at)) * 86400) AS INTEGER),
       reopened_count = 0 AND agents_replied <= 1, 0, 0
  FROM chats WHERE closed_at IS NOT NULL
UNION ALL
SELECT id, rated_at, COALESCE(assigned_to, ''), 0, 0, 0, 0, 0, 0, 0, 1, rating_score
  FROM chats WHERE rated_at IS NOT NULL;

CREATE TRIGGER stats_add_inserted AFTER INSERT ON chats
BEGIN
    INSERT INTO stats_daily
    SELECT substr(at, 1, 10), agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum
      FROM chat_contributions WHERE chat_id = NEW.id
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
    INSERT INTO stats_hourly
    SELECT substr(at, 1, 13), agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum
      FROM chat_contributions WHERE chat_id = NEW.id
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_remove_updated BEFORE UPDATE OF status, assigned_to, first_visitor_message_at, first_response_at, closed_at, reopened_count, agents_replied, rating_score, rated_at, created_at ON chats
WHEN OLD.status IS NOT NEW.status
  OR OLD.assigned_to IS NOT NEW.assigned_to
  OR OLD.first_visitor_message_at IS NOT NEW.first_visitor_message_at
  OR OLD.first_response_at IS NOT NEW.first_response_at
  OR OLD.closed_at IS NOT NEW.closed_at
  OR OLD.reopened_count IS NOT NEW.reopened_count
  OR OLD.agents_replied IS NOT NEW.agents_replied
  OR OLD.rating_score IS NOT NEW.rating_score
  OR OLD.rated_at IS NOT NEW.rated_at
  OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO stats_daily
    SELECT substr(at, 1, 10), agent, -created, -resolved, -response_n, -response_s, -closed, -resolution_s, -first_contact, -ratings, -rating_sum
      FROM chat_contributions WHERE chat_id = OLD.id
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
    INSERT INTO stats_hourly
    SELECT substr(at, 1, 13), agent, -created, -resolved, -response_n, -response_s, -closed, -resolution_s, -first_contact, -ratings, -rating_sum
      FROM chat_contributions WHERE chat_id = OLD.id
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_add_updated AFTER UPDATE OF status, assigned_to, first_visitor_message_at, first_response_at, closed_at, reopened_count, agents_replied, rating_score, rated_at, created_at ON chats
WHEN OLD.status IS NOT NEW.status
  OR OLD.assigned_to IS NOT NEW.assigned_to
  OR OLD.first_visitor_message_at IS NOT NEW.first_visitor_message_at
  OR OLD.first_response_at IS NOT NEW.first_response_at
  OR OLD.closed_at IS NOT NEW.closed_at
  OR OLD.reopened_count IS NOT NEW.reopened_count
  OR OLD.agents_replied IS NOT NEW.agents_replied
  OR OLD.rating_score IS NOT NEW.rating_score
  OR OLD.rated_at IS NOT NEW.rated_at
  OR OLD.created_at IS NOT NEW.created_at
BEGIN
    INSERT INTO stats_daily
    SELECT substr(at, 1, 10), agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum
      FROM chat_contributions WHERE chat_id = NEW.id
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
    INSERT INTO stats_hourly
    SELECT substr(at, 1, 13), agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum
      FROM chat_contributions WHERE chat_id = NEW.id
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_remove_deleted BEFORE DELETE ON chats
BEGIN
    INSERT INTO stats_daily
    SELECT substr(at, 1, 10), agent, -created, -resolved, -response_n, -response_s, -closed, -resolution_s, -first_contact, -ratings, -rating_sum
      FROM chat_contributions WHERE chat_id = OLD.id
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
    INSERT INTO stats_hourly
    SELECT substr(at, 1, 13), agent, -created, -resolved, -response_n, -response_s, -closed, -resolution_s, -first_contact, -ratings, -rating_sum
      FROM chat_contributions WHERE chat_id = OLD.id
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;
