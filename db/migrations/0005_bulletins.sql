-- Weekly bulletins of a competition: one row per group and week, claimed before the send so a bulletin goes out
-- at most once (a crash between the claim and the send skips that group's bulletin for the week).
CREATE TABLE bulletins (
    competition_id INTEGER NOT NULL,
    chat_id        INTEGER NOT NULL,
    week_start     TEXT    NOT NULL,                 -- local YYYY-MM-DD, the Monday of the week reported
    claimed_at     TEXT    NOT NULL,
    message_id     INTEGER,
    PRIMARY KEY (competition_id, chat_id, week_start)
);
CREATE INDEX rounds_chat_date ON rounds (chat_id, study_date, status);
