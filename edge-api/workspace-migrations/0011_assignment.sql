-- Automatic assignment (settings section "assignment"): which agents are online, as
-- the Inbox object that holds their sockets reports, and whose turn is next.
CREATE TABLE agent_presence (
    agent_id    TEXT PRIMARY KEY,
    online      INTEGER NOT NULL CHECK (online IN (0, 1)),
    changed_at  TEXT NOT NULL
);

-- One row: the agent given the last chat, so round robin goes on from the next.
CREATE TABLE assignment_turn (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    last_agent  TEXT
);
