-- Offboarding is a soft delete: a removed agent's row stays so that its past messages,
-- chats and analytics keep resolving its name, but it is listed nowhere, signs in
-- nowhere and its email may be invited again (the unique index covers live agents only).
ALTER TABLE agents ADD COLUMN deleted_at TEXT;
DROP INDEX agents_workspace_email;
CREATE UNIQUE INDEX agents_workspace_email ON agents (workspace_id, email) WHERE deleted_at IS NULL;

-- A blocked visitor's token opens nothing; the check reads this on every visitor request.
ALTER TABLE visitors ADD COLUMN blocked_at TEXT;
