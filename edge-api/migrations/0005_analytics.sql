-- Analytics read only indexes: each metric is an aggregate over one range of one of
-- the times stored on the chat when it happened (created, closed, rated), and these
-- indexes hold every column those aggregates read, so a year of chats is summed
-- without touching the table. They replace the narrower range indexes of 0001.
DROP INDEX IF EXISTS chats_workspace_created;
DROP INDEX IF EXISTS chats_workspace_closed;
DROP INDEX IF EXISTS chats_workspace_rated;

CREATE INDEX chats_analytics_created ON chats
    (workspace_id, created_at, assigned_to, status, first_visitor_message_at, first_response_at);
CREATE INDEX chats_analytics_closed ON chats
    (workspace_id, closed_at, assigned_to, created_at, reopened_count, agents_replied)
    WHERE closed_at IS NOT NULL;
CREATE INDEX chats_analytics_rated ON chats
    (workspace_id, rated_at, assigned_to, rating_score)
    WHERE rated_at IS NOT NULL;
