-- The groups whose place in a competition's ranking may have moved, so a reader that keeps the ranking (boards,
-- the organizer's standings, the live board) reads again only those groups. Triggers write a row whenever a group's
-- totals are folded or rebuilt, a group joins, leaves or moves to its supergroup id, its cell of the unit list
-- changes or it is linked, or its title or member count changes; each change takes the row out and writes it
-- again, so `seq` (never reused: AUTOINCREMENT) grows with every change, one row per competition and group at most.
CREATE TABLE competition_changes (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    competition_id INTEGER NOT NULL,
    chat_id        INTEGER NOT NULL,
    UNIQUE (competition_id, chat_id)
);
CREATE INDEX competition_changes_seq ON competition_changes (competition_id, seq);

CREATE TRIGGER competition_changes_gone AFTER DELETE ON competitions
BEGIN
    DELETE FROM competition_changes WHERE competition_id = OLD.id;
END;

-- a plain DELETE then INSERT (not INSERT OR REPLACE: an outer INSERT OR IGNORE would turn it into OR IGNORE)
CREATE TRIGGER competition_changes_scores_in AFTER INSERT ON competition_group_scores
BEGIN
    DELETE FROM competition_changes WHERE competition_id = NEW.competition_id AND chat_id = NEW.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (NEW.competition_id, NEW.chat_id);
END;

CREATE TRIGGER competition_changes_scores_set AFTER UPDATE ON competition_group_scores
BEGIN
    DELETE FROM competition_changes WHERE competition_id = NEW.competition_id AND chat_id = NEW.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (NEW.competition_id, NEW.chat_id);
END;

-- a group moved to its supergroup id (Store.migrate_chat): the old id leaves, the new one comes
CREATE TRIGGER competition_changes_scores_moved AFTER UPDATE OF chat_id ON competition_group_scores
WHEN OLD.chat_id IS NOT NEW.chat_id
BEGIN
    DELETE FROM competition_changes WHERE competition_id = OLD.competition_id AND chat_id = OLD.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (OLD.competition_id, OLD.chat_id);
END;

CREATE TRIGGER competition_changes_moved AFTER UPDATE ON competition_groups
BEGIN
    DELETE FROM competition_changes WHERE competition_id = OLD.competition_id AND chat_id = OLD.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (OLD.competition_id, OLD.chat_id);
    DELETE FROM competition_changes WHERE competition_id = NEW.competition_id AND chat_id = NEW.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (NEW.competition_id, NEW.chat_id);
END;

CREATE TRIGGER competition_changes_scores_out AFTER DELETE ON competition_group_scores
BEGIN
    DELETE FROM competition_changes WHERE competition_id = OLD.competition_id AND chat_id = OLD.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (OLD.competition_id, OLD.chat_id);
END;

CREATE TRIGGER competition_changes_joined AFTER INSERT ON competition_groups
BEGIN
    DELETE FROM competition_changes WHERE competition_id = NEW.competition_id AND chat_id = NEW.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (NEW.competition_id, NEW.chat_id);
END;

CREATE TRIGGER competition_changes_left AFTER DELETE ON competition_groups
BEGIN
    DELETE FROM competition_changes WHERE competition_id = OLD.competition_id AND chat_id = OLD.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (OLD.competition_id, OLD.chat_id);
END;

CREATE TRIGGER competition_changes_cell_in AFTER INSERT ON competition_units WHEN NEW.chat_id IS NOT NULL
BEGIN
    DELETE FROM competition_changes WHERE competition_id = NEW.competition_id AND chat_id = NEW.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (NEW.competition_id, NEW.chat_id);
END;

CREATE TRIGGER competition_changes_cell_out AFTER DELETE ON competition_units WHEN OLD.chat_id IS NOT NULL
BEGIN
    DELETE FROM competition_changes WHERE competition_id = OLD.competition_id AND chat_id = OLD.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (OLD.competition_id, OLD.chat_id);
END;

CREATE TRIGGER competition_changes_cell_was AFTER UPDATE ON competition_units WHEN OLD.chat_id IS NOT NULL
BEGIN
    DELETE FROM competition_changes WHERE competition_id = OLD.competition_id AND chat_id = OLD.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (OLD.competition_id, OLD.chat_id);
END;

CREATE TRIGGER competition_changes_cell_now AFTER UPDATE ON competition_units WHEN NEW.chat_id IS NOT NULL
BEGIN
    DELETE FROM competition_changes WHERE competition_id = NEW.competition_id AND chat_id = NEW.chat_id;
    INSERT INTO competition_changes (competition_id, chat_id) VALUES (NEW.competition_id, NEW.chat_id);
END;

CREATE TRIGGER competition_changes_group AFTER UPDATE OF title, member_count ON groups
WHEN OLD.title IS NOT NEW.title OR OLD.member_count IS NOT NEW.member_count
BEGIN
    DELETE FROM competition_changes WHERE chat_id = NEW.chat_id
    AND competition_id IN (SELECT competition_id FROM competition_groups WHERE chat_id = NEW.chat_id);
    INSERT INTO competition_changes (competition_id, chat_id)
    SELECT competition_id, NEW.chat_id FROM competition_groups WHERE chat_id = NEW.chat_id;
END;
