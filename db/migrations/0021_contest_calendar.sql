-- A competition's own study calendar: the weekdays it studies (ISO numbers, '12345': Monday to Friday) and its
-- pauses (days off for every cell, e.g. a holiday). While it runs it decides its groups' study days instead of
-- their own /lich, and only its study days count in its totals (a round on another day is the group's alone).
-- Competitions made before this step study every day and have no pause, as before: their totals do not change.
ALTER TABLE competitions ADD COLUMN study_days TEXT NOT NULL DEFAULT '1234567';

CREATE TABLE competition_pauses (
    competition_id INTEGER NOT NULL,
    first_day      TEXT    NOT NULL,   -- yyyy-mm-dd, inclusive
    last_day       TEXT    NOT NULL,   -- yyyy-mm-dd, inclusive
    PRIMARY KEY (competition_id, first_day)
) WITHOUT ROWID;

CREATE TRIGGER competition_pauses_gone AFTER DELETE ON competitions
BEGIN
    DELETE FROM competition_pauses WHERE competition_id = OLD.id;
END;
