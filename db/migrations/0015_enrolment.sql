-- Who is in a competition: joining one that needs approval (every new one) makes a request the organizer accepts
-- or refuses; a group joins only when accepted. Competitions made before this step keep open joining.
ALTER TABLE competitions ADD COLUMN approval INTEGER NOT NULL DEFAULT 0;
CREATE TABLE competition_requests (
    competition_id INTEGER NOT NULL,
    chat_id        INTEGER NOT NULL,
    title          TEXT    NOT NULL,   -- the group's title when it asked
    members        INTEGER,            -- its member count then (NULL: Telegram did not say)
    admin_name     TEXT    NOT NULL,   -- the admin who sent /thamgia
    requested_by   INTEGER NOT NULL,
    requested_at   TEXT    NOT NULL,
    PRIMARY KEY (competition_id, chat_id)
);
CREATE TRIGGER competition_requests_gone AFTER DELETE ON competitions
BEGIN
    DELETE FROM competition_requests WHERE competition_id = OLD.id;
END;
