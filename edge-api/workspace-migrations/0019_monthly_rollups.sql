-- Monthly rollups, kept from the daily ones by triggers on them, so a range of whole
-- months reads one row per month (per agent in stats_monthly, the workspace's in
-- stats_monthly_all) instead of one per day: a year of every agent's figures is about
-- a dozen rows per agent and the days at its two edges, not 365 per agent. Buckets are
-- the first 7 characters of the stored time ('2026-02'). Each daily change costs two
-- more rows written; a message changes no rollup, only a chat's figures do.

CREATE TABLE stats_monthly (
    bucket         TEXT NOT NULL,   -- 'YYYY-MM'
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

CREATE TABLE stats_monthly_all (
    bucket         TEXT NOT NULL PRIMARY KEY,   -- 'YYYY-MM'
    created        INTEGER NOT NULL DEFAULT 0,
    resolved       INTEGER NOT NULL DEFAULT 0,
    response_n     INTEGER NOT NULL DEFAULT 0,
    response_s     INTEGER NOT NULL DEFAULT 0,
    closed         INTEGER NOT NULL DEFAULT 0,
    resolution_s   INTEGER NOT NULL DEFAULT 0,
    first_contact  INTEGER NOT NULL DEFAULT 0,
    ratings        INTEGER NOT NULL DEFAULT 0,
    rating_sum     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO stats_monthly (bucket, agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
SELECT substr(bucket, 1, 7), agent, SUM(created), SUM(resolved), SUM(response_n), SUM(response_s), SUM(closed), SUM(resolution_s), SUM(first_contact), SUM(ratings), SUM(rating_sum) FROM stats_daily GROUP BY 1, 2;

INSERT INTO stats_monthly_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
SELECT substr(bucket, 1, 7), SUM(created), SUM(resolved), SUM(response_n), SUM(response_s), SUM(closed), SUM(resolution_s), SUM(first_contact), SUM(ratings), SUM(rating_sum) FROM stats_daily_all GROUP BY 1;

CREATE TRIGGER stats_monthly_insert AFTER INSERT ON stats_daily
BEGIN
    INSERT INTO stats_monthly (bucket, agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (substr(NEW.bucket, 1, 7), NEW.agent, NEW.created, NEW.resolved, NEW.response_n, NEW.response_s, NEW.closed, NEW.resolution_s, NEW.first_contact, NEW.ratings, NEW.rating_sum)
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created,
        resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n,
        response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed,
        resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact,
        ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_monthly_update AFTER UPDATE ON stats_daily
BEGIN
    INSERT INTO stats_monthly (bucket, agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (substr(NEW.bucket, 1, 7), NEW.agent, NEW.created - OLD.created, NEW.resolved - OLD.resolved, NEW.response_n - OLD.response_n, NEW.response_s - OLD.response_s, NEW.closed - OLD.closed, NEW.resolution_s - OLD.resolution_s, NEW.first_contact - OLD.first_contact, NEW.ratings - OLD.ratings, NEW.rating_sum - OLD.rating_sum)
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created,
        resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n,
        response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed,
        resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact,
        ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_monthly_delete AFTER DELETE ON stats_daily
BEGIN
    INSERT INTO stats_monthly (bucket, agent, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (substr(OLD.bucket, 1, 7), OLD.agent, -OLD.created, -OLD.resolved, -OLD.response_n, -OLD.response_s, -OLD.closed, -OLD.resolution_s, -OLD.first_contact, -OLD.ratings, -OLD.rating_sum)
    ON CONFLICT (bucket, agent) DO UPDATE SET
        created = created + excluded.created,
        resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n,
        response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed,
        resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact,
        ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_monthly_all_insert AFTER INSERT ON stats_daily_all
BEGIN
    INSERT INTO stats_monthly_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (substr(NEW.bucket, 1, 7), NEW.created, NEW.resolved, NEW.response_n, NEW.response_s, NEW.closed, NEW.resolution_s, NEW.first_contact, NEW.ratings, NEW.rating_sum)
    ON CONFLICT (bucket) DO UPDATE SET
        created = created + excluded.created,
        resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n,
        response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed,
        resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact,
        ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_monthly_all_update AFTER UPDATE ON stats_daily_all
BEGIN
    INSERT INTO stats_monthly_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (substr(NEW.bucket, 1, 7), NEW.created - OLD.created, NEW.resolved - OLD.resolved, NEW.response_n - OLD.response_n, NEW.response_s - OLD.response_s, NEW.closed - OLD.closed, NEW.resolution_s - OLD.resolution_s, NEW.first_contact - OLD.first_contact, NEW.ratings - OLD.ratings, NEW.rating_sum - OLD.rating_sum)
    ON CONFLICT (bucket) DO UPDATE SET
        created = created + excluded.created,
        resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n,
        response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed,
        resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact,
        ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;

CREATE TRIGGER stats_monthly_all_delete AFTER DELETE ON stats_daily_all
BEGIN
    INSERT INTO stats_monthly_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (substr(OLD.bucket, 1, 7), -OLD.created, -OLD.resolved, -OLD.response_n, -OLD.response_s, -OLD.closed, -OLD.resolution_s, -OLD.first_contact, -OLD.ratings, -OLD.rating_sum)
    ON CONFLICT (bucket) DO UPDATE SET
        created = created + excluded.created,
        resolved = resolved + excluded.resolved,
        response_n = response_n + excluded.response_n,
        response_s = response_s + excluded.response_s,
        closed = closed + excluded.closed,
        resolution_s = resolution_s + excluded.resolution_s,
        first_contact = first_contact + excluded.first_contact,
        ratings = ratings + excluded.ratings,
        rating_sum = rating_sum + excluded.rating_sum;
END;
