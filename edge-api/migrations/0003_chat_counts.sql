-- Exact chat counts per workspace, status and assignee, kept by triggers in the same
-- transaction as every change to chats. GET /chats' pagination total and GET /agents'
-- counts read a handful of these rows instead of counting tens of thousands of chats.
-- assigned_to is '' for unassigned chats so it can be part of the key.
CREATE TABLE chat_counts (
    workspace_id  TEXT NOT NULL,
    status        TEXT NOT NULL,
    assigned_to   TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, status, assigned_to)
);

INSERT INTO chat_counts (workspace_id, status, assigned_to, n)
SELECT workspace_id, status, COALESCE(assigned_to, ''), COUNT(*) FROM chats
 GROUP BY workspace_id, status, COALESCE(assigned_to, '');

CREATE TRIGGER chat_counts_after_insert AFTER INSERT ON chats
BEGIN
    INSERT OR IGNORE INTO chat_counts (workspace_id, status, assigned_to, n)
        VALUES (NEW.workspace_id, NEW.status, COALESCE(NEW.assigned_to, ''), 0);
    UPDATE chat_counts SET n = n + 1
     WHERE workspace_id = NEW.workspace_id AND status = NEW.status
       AND assigned_to = COALESCE(NEW.assigned_to, '');
END;

CREATE TRIGGER chat_counts_after_update AFTER UPDATE OF status, assigned_to ON chats
WHEN OLD.status IS NOT NEW.status OR OLD.assigned_to IS NOT NEW.assigned_to
BEGIN
    UPDATE chat_counts SET n = n - 1
     WHERE workspace_id = OLD.workspace_id AND status = OLD.status
       AND assigned_to = COALESCE(OLD.assigned_to, '');
    INSERT OR IGNORE INTO chat_counts (workspace_id, status, assigned_to, n)
        VALUES (NEW.workspace_id, NEW.status, COALESCE(NEW.assigned_to, ''), 0);
    UPDATE chat_counts SET n = n + 1
     WHERE workspace_id = NEW.workspace_id AND status = NEW.status
       AND assigned_to = COALESCE(NEW.assigned_to, '');
END;

CREATE TRIGGER chat_counts_after_delete AFTER DELETE ON chats
BEGIN
    UPDATE chat_counts SET n = n - 1
     WHERE workspace_id = OLD.workspace_id AND status = OLD.status
       AND assigned_to = COALESCE(OLD.assigned_to, '');
END;
