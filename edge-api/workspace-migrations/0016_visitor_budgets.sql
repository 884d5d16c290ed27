-- The budget a visitor's requests and socket messages spend together (120 a minute, 10 a
-- second: `domain::rate_limit::VISITOR`), kept beside the messages it guards so that a
-- socket message spends it in the same call that stores it, with no limiter object in
-- between. `hits` is the window's accepted times (JSON, unix ms); a row counts nothing
-- once `counts_until` has passed, and the object's alarm deletes it some time after.
CREATE TABLE visitor_budgets (
    visitor_id    TEXT PRIMARY KEY,
    hits          TEXT NOT NULL,
    counts_until  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX visitor_budgets_counts_until ON visitor_budgets (counts_until);
