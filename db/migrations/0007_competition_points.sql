-- How many member lines of each competition have each number of points, kept by triggers on competition_scores
-- (every path that writes a line: the fold at each reveal, rebuilds, deletions). A member's rank on a competition
-- board is 1 + the lines with more points (a sum over the few hundred point values above theirs) + the lines with
-- as many points and less answer time (a range of the ranking index): no count over every line ahead of them.
CREATE TABLE competition_points (
    competition_id INTEGER NOT NULL,
    points         INTEGER NOT NULL,
    lines          INTEGER NOT NULL,
    PRIMARY KEY (competition_id, points)
) WITHOUT ROWID;

INSERT INTO competition_points (competition_id, points, lines)
SELECT competition_id, points, COUNT(*) FROM competition_scores GROUP BY competition_id, points;

CREATE TRIGGER competition_points_insert AFTER INSERT ON competition_scores BEGIN
    INSERT INTO competition_points (competition_id, points, lines) VALUES (NEW.competition_id, NEW.points, 1)
    ON CONFLICT (competition_id, points) DO UPDATE SET lines = lines + 1;
END;

CREATE TRIGGER competition_points_delete AFTER DELETE ON competition_scores BEGIN
    UPDATE competition_points SET lines = lines - 1 WHERE competition_id = OLD.competition_id AND points = OLD.points;
    DELETE FROM competition_points WHERE competition_id = OLD.competition_id AND points = OLD.points AND lines <= 0;
END;

CREATE TRIGGER competition_points_update AFTER UPDATE OF competition_id, points ON competition_scores
WHEN OLD.competition_id != NEW.competition_id OR OLD.points != NEW.points BEGIN
    UPDATE competition_points SET lines = lines - 1 WHERE competition_id = OLD.competition_id AND points = OLD.points;
    DELETE FROM competition_points WHERE competition_id = OLD.competition_id AND points = OLD.points AND lines <= 0;
    INSERT INTO competition_points (competition_id, points, lines) VALUES (NEW.competition_id, NEW.points, 1)
    ON CONFLICT (competition_id, points) DO UPDATE SET lines = lines + 1;
END;
