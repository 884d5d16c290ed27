-- Automatic assignment (settings section "assignment"): which agents are online, as
-- the Inbox object that holds their sockets reports, and whose turn is next.
CREATE TABLE agent_presence (
    agent_id    TEXT PRIMARY KEY,
    -- The object's own workspace, which its alarm needs to announce what it moved.
    workspace_id TEXT NOT NULL,
    online      INTEGER NOT NULL CHECK (online IN (0, 1)),
    changed_at  TEXT NOT NULL,
    -- For an agent gone offline: when their unanswered chats go back to the queue
    -- (ASSIGNMENT_RECLAIM_SECONDS after the last socket closed, 2 minutes).
    reclaim_at  TEXT
);

-- One row: the agent given the last chat, so round robin goes on from the next.
CREATE TABLE assignment_turn (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_agent  TEXT
);
