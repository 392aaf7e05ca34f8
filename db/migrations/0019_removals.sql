-- A group an organizer took out of a competition (/cuocthi_bo): who did it and when. While the row is there the
-- group cannot come back by itself, neither with the competition's code nor with a cell's code of its unit list;
-- in a competition with approval it may ask again (the organizer is told it was taken out before). The organizer
-- brings it back (accepting its request, or /cuocthi_themtatca), which deletes the row. Gone with its competition.
CREATE TABLE competition_removals (
    competition_id INTEGER NOT NULL,
    chat_id        INTEGER NOT NULL,
    removed_by     INTEGER NOT NULL,   -- the organizer who confirmed it (0: not known)
    removed_at     TEXT    NOT NULL,
    PRIMARY KEY (competition_id, chat_id)
);
CREATE TRIGGER competition_removals_gone AFTER DELETE ON competitions
BEGIN
    DELETE FROM competition_removals WHERE competition_id = OLD.id;
END;
