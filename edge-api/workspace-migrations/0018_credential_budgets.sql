-- The budget an API key's or a console session's requests spend (100 a minute and 20 a
-- second for a key, `domain::rate_limit::API_KEY`; a session's is `CONSOLE_SESSION`),
-- kept in the object of the workspace the credential belongs to, as a visitor's is
-- (0016): a read spends it inside the very call that answers it, with no limiter object
-- in between. `credential` is `key:<hash>` or `session:<hash>`, the hash D1 keeps;
-- `hits` is the window's accepted times (JSON, unix ms). A row counts nothing once
-- `counts_until` has passed, and the object's alarm deletes it some time after.
CREATE TABLE credential_budgets (
    credential    TEXT PRIMARY KEY,
    hits          TEXT NOT NULL,
    counts_until  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX credential_budgets_counts_until ON credential_budgets (counts_until);
