#!/usr/bin/env bash
# Fills a workspace of a local D1 with synthetic data for benchmarks:
#   scripts/seed.sh <persist-dir> <workspace_id> [chats=100000] [messages_per_chat=10]
# 10 agents, one visitor per chat, chats spread over the last 400 days (a third each
# active, assigned, closed; closed ones with response and resolution times and most
# with a rating), and messages_per_chat messages per chat alternating visitor/agent.
# SQLite generates the rows itself (recursive CTEs), so a million messages take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

persist=$1
ws=$2
chats=${3:-100000}
per_chat=${4:-10}
export WRANGLER_SEND_METRICS=false CI=1

sql=$(mktemp --suffix=.sql)
trap 'rm -f "$sql"' EXIT
cat > "$sql" <<SQL
INSERT INTO agents (id, workspace_id, name, email, role, status, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)
SELECT 'agent_seed' || i || substr('$ws', 4), '$ws', 'Agent ' || i,
       'agent' || i || '@seed.chatflow.uz', 'operator', 'offline',
       '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
  FROM n;

INSERT INTO visitors (id, workspace_id, name, email, metadata, created_at, last_seen_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $chats)
SELECT 'visitor_seed' || i || substr('$ws', 4), '$ws', 'Visitor ' || i,
       'v' || i || '@example.com', '{}', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
  FROM n;

INSERT INTO chats (id, workspace_id, visitor_id, status, assigned_to, unread_count, last_seq,
                   last_message_at, last_activity_at, first_visitor_message_at,
                   first_response_at, closed_at, agents_replied, rating_score, rated_at,
                   created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $chats),
t AS (
  SELECT i,
         strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || ((i * 7919) % 34560000) || ' seconds') AS created,
         CASE i % 3 WHEN 0 THEN 'active' WHEN 1 THEN 'assigned' ELSE 'closed' END AS status
    FROM n)
SELECT 'chat_seed' || i || substr('$ws', 4), '$ws', 'visitor_seed' || i || substr('$ws', 4),
       status,
       CASE WHEN status = 'active' THEN NULL ELSE 'agent_seed' || (1 + i % 10) || substr('$ws', 4) END,
       i % 4, $per_chat,
       strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (60 * $per_chat) || ' seconds'),
       strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (60 * $per_chat) || ' seconds'),
       created,
       CASE WHEN status = 'active' THEN NULL
            ELSE strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (30 + i % 300) || ' seconds') END,
       CASE WHEN status = 'closed'
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (600 + i % 3000) || ' seconds') END,
       CASE WHEN status = 'active' THEN 0 ELSE 1 END,
       CASE WHEN status = 'closed' AND i % 5 <> 0 THEN 1 + i % 5 END,
       CASE WHEN status = 'closed' AND i % 5 <> 0
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', created, '+' || (4000 + i % 3000) || ' seconds') END,
       created, created
  FROM t;

INSERT INTO messages (id, workspace_id, chat_id, seq, sender_type, sender_id, text, attachments,
                      created_at)
WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < $per_chat)
SELECT 'msg_seed' || j || 'x' || substr(c.id, 10), '$ws', c.id, j,
       CASE WHEN j % 2 = 1 THEN 'visitor' ELSE 'agent' END,
       CASE WHEN j % 2 = 1 THEN c.visitor_id ELSE c.assigned_to END,
       'Seeded message ' || j, '[]',
       strftime('%Y-%m-%dT%H:%M:%SZ', c.created_at, '+' || (60 * j) || ' seconds')
  FROM chats c CROSS JOIN k
 WHERE c.workspace_id = '$ws' AND c.id LIKE 'chat_seed%';
SQL

case "$ws" in ws_[A-Za-z0-9]*) ;; *) echo "bad workspace id: $ws" >&2; exit 1 ;; esac
echo "seeding $chats chats and $((chats * per_chat)) messages into $ws"
node_modules/.bin/wrangler d1 execute DB --local --persist-to "$persist" --file "$sql" >/dev/null
