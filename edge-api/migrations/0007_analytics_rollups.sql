-- Analytics rollups: every chat's contribution to the figures, summed per workspace,
-- agent and UTC hour (stats_hourly) and UTC day (stats_daily). A range of days reads
-- one row per day and agent instead of every chat; the hourly rows answer the edges of
-- a range that starts or ends inside a day (a `tz` other than UTC).
--
-- A chat contributes to three buckets, each on the time the event happened:
--   created_at: created, resolved (status is closed now), response time
--   closed_at:  closed, resolution time, first contact resolution
--   rated_at:   ratings and their sum
-- chat_contributions says so once. Triggers subtract a chat's contribution before a
-- column it reads changes (the row still holds the old values then) and add it back
-- after, in the same transaction as the change, so a reassignment, a reopen or a late
-- first reply moves the figures with it. Times are whole seconds (timestamps are stored
-- to the second), so sums are exact integers. agent is '' for unassigned chats so it
-- can be part of the key.

CREATE TABLE stats_daily (
    workspace_id   TEXT NOT NULL,
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
    PRIMARY KEY (workspace_id, bucket, agent)
) WITHOUT ROWID;

CREATE TABLE stats_hourly (
    workspace_id   TEXT NOT NULL,
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
    PRIMARY KEY (workspace_id, bucket, agent)
) WITHOUT ROWID;

-- Up to three rows per chat: what it adds to the bucket of each time it has.
CREATE VIEW chat_contributions AS
SELECT id AS chat_id, workspace_id, created_at AS at, COALESCE(assigned_to, '') AS agent,
       1 AS created, status = 'closed' AS resolved,
       COALESCE(first_response_at >= first_visitor_message_at, 0) AS response_n,
       CASE WHEN first_response_at >= first_visitor_message_at THEN
         CAST(round((julianday(first_response_at) - julianday(first_visitor_message_at)) * 86400) AS INTEGER)
       ELSE 0 END AS response_s,
       0 AS closed, 0 AS resolution_s, 0 AS first_contact, 0 AS ratings, 0 AS rating_sum
  FROM chats
UNION ALL
SELECT id, workspace_id, closed_at, COALESCE(assigned_to, ''), 0, 0, 0, 0, 1,
       CAST(round((julianday(closed_at) - julianday(created_at)) * 86400) AS INTEGER),
       reopened_count = 0 AND agents_replied <= 1, 0, 0
  FROM chats WHERE closed_at IS NOT NULL
UNION ALL
SELECT id, workspace_id, rated_at, COALESCE(assigned_to, ''), 0, 0, 0, 0, 0, 0, 0, 1, rating_score
  FROM chats WHERE rated_at IS NOT NULL;

INSERT INTO stats_daily
SELECT workspace_id, substr(at, 1, 10) AS bucket, agent, SUM(created), SUM(resolved), SUM(response_n), SUM(response_s), SUM(closed), SUM(resolution_s), SUM(first_contact), SUM(ratings), SUM(rating_sum)
  FROM chat_contributions GROUP BY workspace_id, bucket, agent;

INSERT INTO stats_hourly
SELECT workspace_id, substr(at, 1, 13) AS bucket, agent, SUM(created), SUM(resolved), SUM(response_n), SUM(response_s), SUM(closed), SUM(resolution_s), SUM(first_contact), SUM(ratings), SUM(rating_sum)
  FROM chat_contributions GROUP BY workspace_id, bucket, agent;

CREATE TRIGGER stats_add_inserted AFTER INSERT ON chats
BEGIN
    INSERT INTO stats_daily
    SELECT workspace_id, substr(at, 1, 10), agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum
      FROM chat_contributions WHERE chat_id = NEW.id
    ON CONFLICT (workspace_id, bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
    INSERT INTO stats_hourly
    SELECT workspace_id, substr(at, 1, 13), agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum
      FROM chat_contributions WHERE chat_id = NEW.id
    ON CONFLICT (workspace_id, bucket, agent) DO UPDATE SET
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
    SELECT workspace_id, substr(at, 1, 10), agent, -created, -resolved, -response_n, -response_s, -closed, -resolution_s, -first_contact, -ratings, -rating_sum
      FROM chat_contributions WHERE chat_id = OLD.id
    ON CONFLICT (workspace_id, bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
    INSERT INTO stats_hourly
    SELECT workspace_id, substr(at, 1, 13), agent, -created, -resolved, -response_n, -response_s, -closed, -resolution_s, -first_contact, -ratings, -rating_sum
      FROM chat_contributions WHERE chat_id = OLD.id
    ON CONFLICT (workspace_id, bucket, agent) DO UPDATE SET
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
    SELECT workspace_id, substr(at, 1, 10), agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum
      FROM chat_contributions WHERE chat_id = NEW.id
    ON CONFLICT (workspace_id, bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
    INSERT INTO stats_hourly
    SELECT workspace_id, substr(at, 1, 13), agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum
      FROM chat_contributions WHERE chat_id = NEW.id
    ON CONFLICT (workspace_id, bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_remove_deleted BEFORE DELETE ON chats
BEGIN
    INSERT INTO stats_daily
    SELECT workspace_id, substr(at, 1, 10), agent, -created, -resolved, -response_n, -response_s, -closed, -resolution_s, -first_contact, -ratings, -rating_sum
      FROM chat_contributions WHERE chat_id = OLD.id
    ON CONFLICT (workspace_id, bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
    INSERT INTO stats_hourly
    SELECT workspace_id, substr(at, 1, 13), agent, -created, -resolved, -response_n, -response_s, -closed, -resolution_s, -first_contact, -ratings, -rating_sum
      FROM chat_contributions WHERE chat_id = OLD.id
    ON CONFLICT (workspace_id, bucket, agent) DO UPDATE SET
        created = created + excluded.created, resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n, response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed, resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact, ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;
