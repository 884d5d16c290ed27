-- The inbox row's second line: the chat's newest message, cut to 140 characters, and
-- who wrote it. Kept beside last_message_at by a trigger, so a page of 100 rows reads
-- it from the chats row instead of 100 lookups into messages. A message with only a
-- file has empty text; its row says so with the sender alone.
ALTER TABLE chats ADD COLUMN last_text TEXT;
ALTER TABLE chats ADD COLUMN last_sender TEXT;

UPDATE chats
   SET last_text = (SELECT substr(m.text, 1, 140) FROM messages m
                     WHERE m.chat_id = chats.id ORDER BY m.seq DESC LIMIT 1),
       last_sender = (SELECT m.sender_type FROM messages m
                       WHERE m.chat_id = chats.id ORDER BY m.seq DESC LIMIT 1);

CREATE TRIGGER chat_preview AFTER INSERT ON messages
BEGIN
    UPDATE chats SET last_text = substr(NEW.text, 1, 140), last_sender = NEW.sender_type
     WHERE id = NEW.chat_id AND last_seq <= NEW.seq;
END;
