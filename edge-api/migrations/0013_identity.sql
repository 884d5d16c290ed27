-- Visitor identity verification (domain/identity.rs): the site's own user id, whether
-- the session's user_hash verified it, and per workspace the sealed identity secret
-- (crypto::seal under ENCRYPTION_KEY, never readable at rest) and whether sessions
-- that claim an identity must prove it.
ALTER TABLE visitors ADD COLUMN user_id TEXT;
ALTER TABLE visitors ADD COLUMN verified INTEGER NOT NULL DEFAULT 0;
ALTER TABLE widget_config ADD COLUMN require_identity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE widget_config ADD COLUMN identity_secret_sealed TEXT;
