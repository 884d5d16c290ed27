-- A change to an agent deletes the cached copies of its live keys (the worker's cache
-- module), which it finds by agent; sessions are already indexed by agent (0008).
CREATE INDEX api_keys_agent ON api_keys (agent_id) WHERE revoked_at IS NULL;
