-- Contacts (GET/PATCH/DELETE /v1/contacts): the person behind visitors. A visitor who
-- gave an email, or whose session proved the site's user_id, is linked to one; the
-- same verified user_id, else the same email, joins the same contact again, so an
-- agent sees every conversation of a customer across browsers and months.
CREATE TABLE contacts (
    -- Stable order and the rowid of search_contacts.
    num            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    name           TEXT,
    email          TEXT,
    -- lower(email): what "the same email" means.
    email_key      TEXT,
    phone          TEXT,
    metadata       TEXT NOT NULL DEFAULT '{}',
    -- The site's user id, only once a session proved it: a claimed one joins nothing.
    user_id        TEXT UNIQUE,
    first_seen_at  TEXT NOT NULL,
    last_seen_at   TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX contacts_by_email ON contacts (email_key);
CREATE INDEX contacts_by_seen ON contacts (last_seen_at DESC, num DESC);

ALTER TABLE visitors ADD COLUMN contact_id TEXT;
-- Where the session came from: the ISO country Cloudflare located the address in, and
-- the browser and system its User-Agent names (never the raw header).
ALTER TABLE visitors ADD COLUMN country TEXT;
ALTER TABLE visitors ADD COLUMN browser TEXT;
CREATE INDEX visitors_by_contact ON visitors (contact_id);

-- Visitors made before contacts: first one contact per verified user id, then one per
-- email not yet taken; the oldest visitor's details start each.
INSERT INTO contacts (id, name, email, email_key, phone, metadata, user_id, first_seen_at,
                      last_seen_at, created_at, updated_at)
SELECT 'contact_' || lower(hex(randomblob(10))), name, email, lower(email), phone, metadata,
       user_id, MIN(created_at), MAX(last_seen_at), MIN(created_at), MIN(created_at)
  FROM visitors WHERE verified = 1 AND user_id IS NOT NULL
 GROUP BY user_id;
UPDATE visitors SET contact_id = (SELECT id FROM contacts c WHERE c.user_id = visitors.user_id)
 WHERE verified = 1 AND user_id IS NOT NULL;
INSERT INTO contacts (id, name, email, email_key, phone, metadata, user_id, first_seen_at,
                      last_seen_at, created_at, updated_at)
SELECT 'contact_' || lower(hex(randomblob(10))), name, email, lower(email), phone, metadata,
       NULL, MIN(created_at), MAX(last_seen_at), MIN(created_at), MIN(created_at)
  FROM visitors
 WHERE contact_id IS NULL AND email IS NOT NULL
   AND lower(email) NOT IN (SELECT email_key FROM contacts WHERE email_key IS NOT NULL)
 GROUP BY lower(email);
UPDATE visitors
   SET contact_id = (SELECT id FROM contacts c WHERE c.email_key = lower(visitors.email)
                      ORDER BY c.num LIMIT 1)
 WHERE contact_id IS NULL AND email IS NOT NULL;

-- A contact's last visit moves with every message they write.
CREATE TRIGGER contact_seen AFTER INSERT ON messages
WHEN NEW.sender_type = 'visitor'
BEGIN
    UPDATE contacts SET last_seen_at = NEW.created_at
     WHERE last_seen_at < NEW.created_at
       AND id = (SELECT v.contact_id FROM chats c JOIN visitors v ON v.id = c.visitor_id
                  WHERE c.id = NEW.chat_id);
END;

-- The contacts list's q: name, email and phone, with the same tokenizer as search.
-- Derived, so the export skips it as it skips every search_* table.
CREATE VIRTUAL TABLE search_contacts USING fts5(
    name, email, phone,
    tokenize = "unicode61 remove_diacritics 2 separators 'ʻʼ'"
);
INSERT INTO search_contacts (rowid, name, email, phone)
SELECT num, name, email, phone FROM contacts;
CREATE TRIGGER search_contact_inserted AFTER INSERT ON contacts
BEGIN
    INSERT INTO search_contacts (rowid, name, email, phone)
    VALUES (NEW.num, NEW.name, NEW.email, NEW.phone);
END;
CREATE TRIGGER search_contact_updated AFTER UPDATE OF name, email, phone ON contacts
BEGIN
    DELETE FROM search_contacts WHERE rowid = OLD.num;
    INSERT INTO search_contacts (rowid, name, email, phone)
    VALUES (NEW.num, NEW.name, NEW.email, NEW.phone);
END;
CREATE TRIGGER search_contact_deleted AFTER DELETE ON contacts
BEGIN
    DELETE FROM search_contacts WHERE rowid = OLD.num;
END;
