-- Several study documents: each round, group and competition records the document (its slug, the name of its
-- directory under content/documents/) it belongs to. Everything before this step belongs to the first document,
-- the Congress outline 'dh-hp-2025'. A group without one (NULL: added since) starts at the library's first
-- document, recorded when its first round is made.
ALTER TABLE rounds ADD COLUMN document TEXT NOT NULL DEFAULT 'dh-hp-2025';
ALTER TABLE groups ADD COLUMN document TEXT;
UPDATE groups SET document = 'dh-hp-2025';
ALTER TABLE competitions ADD COLUMN document TEXT;
UPDATE competitions SET document = 'dh-hp-2025';
-- the walk through one document continues from the group's last round of that document
CREATE INDEX rounds_chat_document ON rounds (chat_id, document, seq);
