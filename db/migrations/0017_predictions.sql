-- The prediction tie-break: a competition may run in rounds of `round_days` days from its start (7: weekly; NULL:
-- the whole competition is one round); each round ends with a prediction question, answered by members in private
-- chat: how many members will have every answer of the round right. A member's last prediction before the round's
-- deadline counts; `predicted_at` is when that value was entered (sending the same number again keeps it).
ALTER TABLE competitions ADD COLUMN round_days INTEGER;

CREATE TABLE competition_predictions (
    competition_id INTEGER NOT NULL,
    round          INTEGER NOT NULL,   -- 1 for the first round
    user_id        INTEGER NOT NULL,
    value          INTEGER NOT NULL,
    predicted_at   TEXT    NOT NULL,   -- UTC, ISO 8601 with microseconds: the earlier entry wins a tie
    changes        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (competition_id, round, user_id)
);

CREATE TRIGGER competition_predictions_gone AFTER DELETE ON competitions
BEGIN
    DELETE FROM competition_predictions WHERE competition_id = OLD.id;
END;

-- The actual number of a one-round competition, read from the maintained totals: the lines with as many right
-- answers as the competition has study days (a range of this index, not a pass over every line).
CREATE INDEX competition_scores_correct ON competition_scores (competition_id, correct, user_id);
-- A member's rank on the board with the tie-break counts the lines equal on points ahead of theirs, each with its
-- prediction: this index holds what that count reads. The second finds the competitions a member has a line in
-- (/dudoan without a number of competition).
CREATE INDEX competition_scores_ties ON competition_scores (competition_id, points, user_id, answer_ms);
CREATE INDEX competition_scores_user ON competition_scores (user_id, competition_id);
