-- A competition's live board (the standings as a web page for a projector): the unguessable token of its link,
-- made by an organizer with /bangtructiep and revoked with /bangtructiep N tat (the row is then deleted). One
-- link a competition at a time; gone with its competition.
CREATE TABLE live_boards (
    competition_id INTEGER PRIMARY KEY,
    token          TEXT    NOT NULL UNIQUE,
    created_by     INTEGER NOT NULL,
    created_at     TEXT    NOT NULL
);
CREATE TRIGGER live_boards_gone AFTER DELETE ON competitions
BEGIN
    DELETE FROM live_boards WHERE competition_id = OLD.id;
END;
