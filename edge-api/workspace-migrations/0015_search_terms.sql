-- The words the search indexes (0008) hold, so a search turns the word being typed into
-- the few whole terms that begin with it. FTS5 reads a prefix by merging every match of
-- every such term before it hands over the first; whole terms it reads lazily, newest
-- first, and stops at the page. Everything here is named search_*, derived data the
-- export skips.

-- The chats' index (names, emails, tags) is small: its own vocabulary answers.
CREATE VIRTUAL TABLE search_chats_terms USING fts5vocab(search_chats, 'row');

-- The messages' index is not: its vocabulary counts every match of every term it lists,
-- about as slow as the prefix. So the terms are kept in a table, and the tokenizer that
-- finds a message's terms is FTS5's own: the text goes through a one-row scratch index
-- with the same tokenizer, whose vocabulary is then that message's terms.
CREATE TABLE search_message_words (term TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE VIRTUAL TABLE search_scratch USING fts5(
    text,
    content = '',
    tokenize = "unicode61 remove_diacritics 2 separators 'ʻʼ'"
);
CREATE VIRTUAL TABLE search_scratch_terms USING fts5vocab(search_scratch, 'row');

CREATE VIRTUAL TABLE search_messages_terms USING fts5vocab(search_messages, 'row');
INSERT INTO search_message_words (term) SELECT term FROM search_messages_terms;
DROP TABLE search_messages_terms;

CREATE TRIGGER search_message_words_inserted AFTER INSERT ON messages
WHEN NEW.sender_type <> 'system'
BEGIN
    INSERT INTO search_scratch (search_scratch) VALUES ('delete-all');
    INSERT INTO search_scratch (rowid, text) VALUES (1, NEW.text);
    INSERT OR IGNORE INTO search_message_words (term) SELECT term FROM search_scratch_terms;
END;

-- An erased message takes with it each of its terms that no other message holds, so
-- nothing erased stays readable here. Its own row in the index is left out by key,
-- whichever of this and 0008's triggers runs first; with its chat already gone, the
-- key is null and the index holds nothing of the chat.
CREATE TRIGGER search_message_words_deleted AFTER DELETE ON messages
WHEN OLD.sender_type <> 'system'
BEGIN
    INSERT INTO search_scratch (search_scratch) VALUES ('delete-all');
    INSERT INTO search_scratch (rowid, text) VALUES (1, OLD.text);
    DELETE FROM search_message_words
     WHERE term IN (SELECT term FROM search_scratch_terms)
       AND NOT EXISTS (
           SELECT 1 FROM search_messages
            WHERE search_messages MATCH '"' || term || '"'
              AND rowid IS NOT ((SELECT num FROM chats WHERE id = OLD.chat_id) << 32) | OLD.seq);
    INSERT INTO search_scratch (search_scratch) VALUES ('delete-all');
END;
