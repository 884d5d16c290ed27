-- Visitors on the site now (GET /v1/visitors/online): one row per browser (the loader's
-- presence id), kept between visits so a return is known. Online while its last beat
-- is younger than offline_at; the object's alarm turns it offline and tells the feed.
CREATE TABLE live_visitors (
    presence_id   TEXT PRIMARY KEY,
    visitor_id    TEXT,
    page_url      TEXT NOT NULL,
    page_title    TEXT,
    referrer      TEXT,
    country       TEXT,
    device        TEXT,
    first_seen_at TEXT NOT NULL,
    online_since  TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    offline_at    TEXT,
    pages         INTEGER NOT NULL DEFAULT 1,
    visits        INTEGER NOT NULL DEFAULT 1,
    online        INTEGER NOT NULL DEFAULT 1 CHECK (online IN (0, 1))
);
-- The list (newest activity first) and the alarm's next due read only online rows.
CREATE INDEX live_visitors_online ON live_visitors (online, last_seen_at DESC);
CREATE INDEX live_visitors_offline_at ON live_visitors (offline_at) WHERE online = 1;

-- The object's own workspace id, for what its alarm announces (written by the first
-- request that names it).
CREATE TABLE object_identity (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    workspace_id  TEXT NOT NULL
);
