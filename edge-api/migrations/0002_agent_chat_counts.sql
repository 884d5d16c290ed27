-- GET /agents counts each agent's open and total chats; with status in the index both
-- counts are answered from the index alone.
CREATE INDEX chats_workspace_agent_status ON chats (workspace_id, assigned_to, status);
