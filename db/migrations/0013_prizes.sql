-- A competition's prizes, set by its organizer: how many of each individual class and how many collective prizes
-- (cells by participation). One row a competition; gone with its competition.
CREATE TABLE competition_prizes (
    competition_id INTEGER PRIMARY KEY,
    first          INTEGER NOT NULL DEFAULT 0,
    second         INTEGER NOT NULL DEFAULT 0,
    third          INTEGER NOT NULL DEFAULT 0,
    consolation    INTEGER NOT NULL DEFAULT 0,
    collective     INTEGER NOT NULL DEFAULT 0,
    set_by         INTEGER NOT NULL,
    set_at         TEXT    NOT NULL
);
CREATE TRIGGER competition_prizes_gone AFTER DELETE ON competitions
BEGIN
    DELETE FROM competition_prizes WHERE competition_id = OLD.id;
END;
