-- The messages' search index (0008) and its words (0015) are written in batches, not
-- with every message. FTS5 writes a new segment for every transaction that adds to it:
-- as triggers, the two indexes wrote about 11.6 of the 14.5 pages a message cost the
-- object (measured on a workspace's database with SQLite's WAL), and each page is a
-- write the storage bills and, locally, a pwrite on the one thread of the object.
-- Now a message only queues its key here; `domain::search::CATCH_UP` indexes the queue
-- in one transaction before any search reads the indexes (so a search still finds a
-- message sent a moment before it) and when the queue reaches
-- `domain::search::CATCH_UP_AT` messages.
CREATE TABLE search_pending (
    chat_id TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (chat_id, seq)
) WITHOUT ROWID;

DROP TRIGGER search_message_inserted;
DROP TRIGGER search_message_words_inserted;

CREATE TRIGGER search_message_queued AFTER INSERT ON messages
WHEN NEW.sender_type <> 'system'
BEGIN
    INSERT INTO search_pending (chat_id, seq) VALUES (NEW.chat_id, NEW.seq);
END;

-- A message erased before it was indexed leaves the queue. (0008's and 0015's
-- triggers of erasure find nothing of it in the indexes; a word it shared with another
-- queued message comes back when that one is indexed.)
CREATE TRIGGER search_message_unqueued AFTER DELETE ON messages
BEGIN
    DELETE FROM search_pending WHERE chat_id = OLD.chat_id AND seq = OLD.seq;
END;
