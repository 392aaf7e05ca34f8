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
