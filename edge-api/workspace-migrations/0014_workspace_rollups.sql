-- Rollups of the whole workspace, kept beside the per-agent ones of 0004 by triggers on
-- those tables, so a workspace-wide read takes one row per bucket instead of one per agent
-- (and the unassigned):
-- * stats_daily_all and stats_hourly_all: stats_daily and stats_hourly summed per bucket;
-- * stats_local: the workspace's days in a zone `shift` seconds east of UTC (whole hours),
--   summed from stats_hourly_all, for each shift in stats_shifts. A daily series in a
--   zone adds its shifts there the first time it is read, so a year of local days is
--   366 rows, as in UTC, instead of 8,784 hours regrouped. At most 27 shifts exist
--   (UTC-12 to UTC+14); each costs one more row written when a chat's figures change.

CREATE TABLE stats_daily_all (
    bucket         TEXT NOT NULL PRIMARY KEY,
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

CREATE TABLE stats_hourly_all (
    bucket         TEXT NOT NULL PRIMARY KEY,
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

CREATE TABLE stats_shifts (shift INTEGER PRIMARY KEY);

CREATE TABLE stats_local (
    shift          INTEGER NOT NULL,
    day            TEXT NOT NULL,
    created        INTEGER NOT NULL DEFAULT 0,
    resolved       INTEGER NOT NULL DEFAULT 0,
    response_n     INTEGER NOT NULL DEFAULT 0,
    response_s     INTEGER NOT NULL DEFAULT 0,
    closed         INTEGER NOT NULL DEFAULT 0,
    resolution_s   INTEGER NOT NULL DEFAULT 0,
    first_contact  INTEGER NOT NULL DEFAULT 0,
    ratings        INTEGER NOT NULL DEFAULT 0,
    rating_sum     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (shift, day)
) WITHOUT ROWID;

INSERT INTO stats_daily_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
SELECT bucket, SUM(created), SUM(resolved), SUM(response_n), SUM(response_s), SUM(closed), SUM(resolution_s), SUM(first_contact), SUM(ratings), SUM(rating_sum) FROM stats_daily GROUP BY bucket;

CREATE TRIGGER stats_daily_all_insert AFTER INSERT ON stats_daily
BEGIN
    INSERT INTO stats_daily_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (NEW.bucket, NEW.created, NEW.resolved, NEW.response_n, NEW.response_s, NEW.closed, NEW.resolution_s, NEW.first_contact, NEW.ratings, NEW.rating_sum)
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

CREATE TRIGGER stats_daily_all_update AFTER UPDATE ON stats_daily
BEGIN
    INSERT INTO stats_daily_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (NEW.bucket, NEW.created - OLD.created, NEW.resolved - OLD.resolved, NEW.response_n - OLD.response_n, NEW.response_s - OLD.response_s, NEW.closed - OLD.closed, NEW.resolution_s - OLD.resolution_s, NEW.first_contact - OLD.first_contact, NEW.ratings - OLD.ratings, NEW.rating_sum - OLD.rating_sum)
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

CREATE TRIGGER stats_daily_all_delete AFTER DELETE ON stats_daily
BEGIN
    INSERT INTO stats_daily_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (OLD.bucket, -OLD.created, -OLD.resolved, -OLD.response_n, -OLD.response_s, -OLD.closed, -OLD.resolution_s, -OLD.first_contact, -OLD.ratings, -OLD.rating_sum)
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

INSERT INTO stats_hourly_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
SELECT bucket, SUM(created), SUM(resolved), SUM(response_n), SUM(response_s), SUM(closed), SUM(resolution_s), SUM(first_contact), SUM(ratings), SUM(rating_sum) FROM stats_hourly GROUP BY bucket;

CREATE TRIGGER stats_hourly_all_insert AFTER INSERT ON stats_hourly
BEGIN
    INSERT INTO stats_hourly_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (NEW.bucket, NEW.created, NEW.resolved, NEW.response_n, NEW.response_s, NEW.closed, NEW.resolution_s, NEW.first_contact, NEW.ratings, NEW.rating_sum)
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

CREATE TRIGGER stats_hourly_all_update AFTER UPDATE ON stats_hourly
BEGIN
    INSERT INTO stats_hourly_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (NEW.bucket, NEW.created - OLD.created, NEW.resolved - OLD.resolved, NEW.response_n - OLD.response_n, NEW.response_s - OLD.response_s, NEW.closed - OLD.closed, NEW.resolution_s - OLD.resolution_s, NEW.first_contact - OLD.first_contact, NEW.ratings - OLD.ratings, NEW.rating_sum - OLD.rating_sum)
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

CREATE TRIGGER stats_hourly_all_delete AFTER DELETE ON stats_hourly
BEGIN
    INSERT INTO stats_hourly_all (bucket, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    VALUES (OLD.bucket, -OLD.created, -OLD.resolved, -OLD.response_n, -OLD.response_s, -OLD.closed, -OLD.resolution_s, -OLD.first_contact, -OLD.ratings, -OLD.rating_sum)
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

CREATE TRIGGER stats_local_insert AFTER INSERT ON stats_hourly_all
BEGIN
    INSERT INTO stats_local (shift, day, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    SELECT t.shift, date(NEW.bucket || ':00', t.shift || ' seconds'), NEW.created, NEW.resolved, NEW.response_n, NEW.response_s, NEW.closed, NEW.resolution_s, NEW.first_contact, NEW.ratings, NEW.rating_sum
      FROM stats_shifts AS t WHERE true
    ON CONFLICT (shift, day) DO UPDATE SET
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

CREATE TRIGGER stats_local_update AFTER UPDATE ON stats_hourly_all
BEGIN
    INSERT INTO stats_local (shift, day, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    SELECT t.shift, date(NEW.bucket || ':00', t.shift || ' seconds'), NEW.created - OLD.created, NEW.resolved - OLD.resolved, NEW.response_n - OLD.response_n, NEW.response_s - OLD.response_s, NEW.closed - OLD.closed, NEW.resolution_s - OLD.resolution_s, NEW.first_contact - OLD.first_contact, NEW.ratings - OLD.ratings, NEW.rating_sum - OLD.rating_sum
      FROM stats_shifts AS t WHERE true
    ON CONFLICT (shift, day) DO UPDATE SET
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

CREATE TRIGGER stats_local_delete AFTER DELETE ON stats_hourly_all
BEGIN
    INSERT INTO stats_local (shift, day, created, resolved, response_n, response_s, closed, resolution_s, first_contact, ratings, rating_sum)
    SELECT t.shift, date(OLD.bucket || ':00', t.shift || ' seconds'), -OLD.created, -OLD.resolved, -OLD.response_n, -OLD.response_s, -OLD.closed, -OLD.resolution_s, -OLD.first_contact, -OLD.ratings, -OLD.rating_sum
      FROM stats_shifts AS t WHERE true
    ON CONFLICT (shift, day) DO UPDATE SET
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
