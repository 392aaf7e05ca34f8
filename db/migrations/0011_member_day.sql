-- A member's day: rounds show their options in an order of their own (hpbot.domain.shuffle). Rounds made before
-- this step keep the bank's order, so a post open during the upgrade keeps the letters its members saw.
ALTER TABLE rounds ADD COLUMN shuffled INTEGER NOT NULL DEFAULT 1;
UPDATE rounds SET shuffled = 0;

-- The group's study calendar: the weekdays it studies (ISO numbers, Monday 1 … Sunday 7; every day by default)
-- and its pauses (a closed range of local dates). A day off has no round, so it neither counts nor breaks a streak.
ALTER TABLE groups ADD COLUMN study_days TEXT NOT NULL DEFAULT '1234567';
CREATE TABLE study_pauses (
    chat_id    INTEGER NOT NULL,
    first_day  TEXT    NOT NULL,   -- local YYYY-MM-DD, inclusive
    last_day   TEXT    NOT NULL,   -- inclusive
    PRIMARY KEY (chat_id, first_day)
);

-- The reminder before the reveal: minutes before it (0: off), and when it went out for a round (at most once).
ALTER TABLE groups ADD COLUMN reminder_minutes INTEGER NOT NULL DEFAULT 120;
ALTER TABLE rounds ADD COLUMN reminded_at TEXT;

-- The first message of a round's official answer, so /homqua and /cauhoi can link to it.
ALTER TABLE rounds ADD COLUMN answer_message_id INTEGER;
