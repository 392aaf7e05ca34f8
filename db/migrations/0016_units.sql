-- Units and official member counts. A competition's unit list, imported by its organizer: for each cell its
-- higher-level unit (đảng bộ xã/phường, cơ quan), its name, its official member count (NULL: none given) and the
-- enrolment code its secretary types in the group to link the group to the cell. An import replaces the whole list
-- in one transaction; a code kept from the previous list keeps its group.
CREATE TABLE competition_units (
    competition_id INTEGER NOT NULL,
    code           TEXT    NOT NULL,   -- upper case, unique in its competition
    unit           TEXT    NOT NULL,
    cell           TEXT    NOT NULL,
    official       INTEGER,            -- the cell's official member count
    line           INTEGER NOT NULL,   -- its row in the imported file (the list's order)
    chat_id        INTEGER,            -- the group linked to the cell (NULL: none yet)
    linked_at      TEXT,
    PRIMARY KEY (competition_id, code)
);
CREATE UNIQUE INDEX competition_units_chat ON competition_units (competition_id, chat_id);  -- NULLs never collide
CREATE INDEX competition_units_unit ON competition_units (competition_id, unit);

-- The study days of a competition: each day on which a round of one of its groups was revealed inside its window.
-- A cell's possible answers count every one of them, whenever the cell joined (a day it missed counts as missed).
CREATE TABLE competition_days (
    competition_id INTEGER NOT NULL,
    study_date     TEXT    NOT NULL,
    PRIMARY KEY (competition_id, study_date)
) WITHOUT ROWID;

CREATE TRIGGER competition_units_gone AFTER DELETE ON competitions
BEGIN
    DELETE FROM competition_units WHERE competition_id = OLD.id;
    DELETE FROM competition_days WHERE competition_id = OLD.id;
END;

-- The revealed rounds folded into each group's totals, so the days it missed are (contest days - days); and the
-- official member count of the cell the group is linked to, kept here too (set at each import and link) so a
-- group's rank on the board counts the groups ahead from this one table and the groups' member counts.
ALTER TABLE competition_group_scores ADD COLUMN days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE competition_group_scores ADD COLUMN official INTEGER;

INSERT OR IGNORE INTO competition_days (competition_id, study_date)
SELECT DISTINCT c.id, r.study_date FROM competitions c JOIN competition_groups cg ON cg.competition_id = c.id
JOIN rounds r ON r.chat_id = cg.chat_id AND r.study_date BETWEEN c.start_date AND c.end_date
WHERE r.status IN ('revealing', 'revealed');

UPDATE competition_group_scores SET days = (
    SELECT COUNT(*) FROM rounds r JOIN competitions c ON c.id = competition_group_scores.competition_id
    WHERE r.chat_id = competition_group_scores.chat_id AND r.study_date BETWEEN c.start_date AND c.end_date
    AND r.status IN ('revealing', 'revealed')
);
