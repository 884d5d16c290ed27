-- Visitors, chats, messages, files, their analytics rollups and spent realtime tickets
-- now live in each workspace's own database (the Workspace Durable Object,
-- edge-api/workspace-migrations/0004_conversations.sql). Nothing is deployed, so no rows
-- move. idempotency_keys stays for the operator's admin requests, which belong to no
-- workspace. Children go before their parents; a table's triggers and indexes go with it.
DROP VIEW chat_contributions;
DROP TABLE stats_daily;
DROP TABLE stats_hourly;
DROP TABLE chat_counts;
DROP TABLE messages;
DROP TABLE files;
DROP TABLE chats;
DROP TABLE visitors;
DROP TABLE used_tickets;
