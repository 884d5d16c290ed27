-- Full-text search (GET /v1/search): message text, and per chat its visitor's name and
-- email and its tags. Two FTS5 tables, kept by the triggers below, so every way a row
-- is written or erased keeps them true. The tokenizer folds case in Latin and Cyrillic,
-- drops diacritics, and splits at the Uzbek apostrophes ʻ and ʼ as it does at ', so
-- "oʻzbek" and "o'zbek" are the same words. Both are derived data, so the export skips
-- every table named search_*.

-- A chat's number: stable (rowid is not, VACUUM may renumber it), unique, and the high
-- half of its messages' keys in search_messages, so a chat's messages are one range of
-- keys and FTS5, which hands matches over in key order, lists newer chats first.
ALTER TABLE chats ADD COLUMN num INTEGER;
UPDATE chats SET num = rowid;
CREATE UNIQUE INDEX chats_by_num ON chats (num);

-- rowid = (chats.num << 32) | messages.seq. System lines ("chat closed") are not indexed.
CREATE VIRTUAL TABLE search_messages USING fts5(
    text,
    tokenize = "unicode61 remove_diacritics 2 separators 'ʻʼ'"
);

-- rowid = chats.num; tags space-separated.
CREATE VIRTUAL TABLE search_chats USING fts5(
    name, email, tags,
    tokenize = "unicode61 remove_diacritics 2 separators 'ʻʼ'"
);

INSERT INTO search_chats (rowid, name, email, tags)
SELECT c.num, v.name, v.email, (SELECT group_concat(value, ' ') FROM json_each(c.tags))
  FROM chats c JOIN visitors v ON v.id = c.visitor_id;

INSERT INTO search_messages (rowid, text)
SELECT (c.num << 32) | m.seq, m.text
  FROM messages m JOIN chats c ON c.id = m.chat_id
 WHERE m.sender_type <> 'system';

CREATE TRIGGER search_chat_inserted AFTER INSERT ON chats
BEGIN
    UPDATE chats SET num = (SELECT COALESCE(MAX(num), 0) + 1 FROM chats)
     WHERE id = NEW.id AND num IS NULL;
    INSERT INTO search_chats (rowid, name, email, tags)
    SELECT c.num, v.name, v.email, (SELECT group_concat(value, ' ') FROM json_each(c.tags))
      FROM chats c JOIN visitors v ON v.id = c.visitor_id
     WHERE c.id = NEW.id;
END;

CREATE TRIGGER search_chat_updated AFTER UPDATE OF tags, visitor_id ON chats
WHEN OLD.tags IS NOT NEW.tags OR OLD.visitor_id IS NOT NEW.visitor_id
BEGIN
    DELETE FROM search_chats WHERE rowid = NEW.num;
    INSERT INTO search_chats (rowid, name, email, tags)
    SELECT c.num, v.name, v.email, (SELECT group_concat(value, ' ') FROM json_each(c.tags))
      FROM chats c JOIN visitors v ON v.id = c.visitor_id
     WHERE c.id = NEW.id;
END;

CREATE TRIGGER search_visitor_updated AFTER UPDATE OF name, email ON visitors
WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email
BEGIN
    DELETE FROM search_chats WHERE rowid IN (SELECT num FROM chats WHERE visitor_id = NEW.id);
    INSERT INTO search_chats (rowid, name, email, tags)
    SELECT c.num, NEW.name, NEW.email, (SELECT group_concat(value, ' ') FROM json_each(c.tags))
      FROM chats c
     WHERE c.visitor_id = NEW.id;
END;

-- Whichever goes first, a chat or its messages, nothing of it stays in the index.
CREATE TRIGGER search_chat_deleted AFTER DELETE ON chats
BEGIN
    DELETE FROM search_chats WHERE rowid = OLD.num;
    DELETE FROM search_messages
     WHERE rowid BETWEEN (OLD.num << 32) AND ((OLD.num << 32) | 4294967295);
END;

CREATE TRIGGER search_message_inserted AFTER INSERT ON messages
WHEN NEW.sender_type <> 'system'
BEGIN
    INSERT INTO search_messages (rowid, text)
    SELECT (c.num << 32) | NEW.seq, NEW.text FROM chats c WHERE c.id = NEW.chat_id;
END;

CREATE TRIGGER search_message_deleted AFTER DELETE ON messages
BEGIN
    DELETE FROM search_messages
     WHERE rowid = ((SELECT num FROM chats WHERE id = OLD.chat_id) << 32) | OLD.seq;
END
