-- Private practice with the bot: a member's own schedule (FSRS) per quiz item, what was served and answered,
-- the member's settings, and which revealed rounds have fed their results into practice.

-- A member who has talked to the bot in private (only they can be written to privately).
CREATE TABLE practice_members (
    user_id       INTEGER PRIMARY KEY,
    started_at    TEXT    NOT NULL,   -- UTC ISO: group results from rounds revealed before this are not folded in
    full_name     TEXT,               -- set with /hoten: reports and certificates use it instead of the Telegram name
    reminder_time TEXT,               -- local HH:MM of the daily reminder; NULL: off
    reminded_on   TEXT,               -- local YYYY-MM-DD of the last reminder claimed
    blocked_at    TEXT,               -- UTC ISO: a private send got 403 (the member blocked the bot); never retried
    document      TEXT                -- the document the member chose to practise; NULL: their group's
);

-- One FSRS card per member and item (fsrs's Card.to_dict as JSON), with its due time for the look-up.
CREATE TABLE practice_cards (
    user_id       INTEGER NOT NULL,
    item_id       TEXT    NOT NULL,
    card          TEXT    NOT NULL,
    due_at        TEXT    NOT NULL,   -- UTC ISO
    introduced_on TEXT    NOT NULL,   -- local YYYY-MM-DD: new items a day are bounded
    reviews       INTEGER NOT NULL DEFAULT 0,
    lapses        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, item_id)
);
CREATE INDEX practice_cards_due ON practice_cards (user_id, due_at);
CREATE INDEX practice_cards_introduced ON practice_cards (user_id, introduced_on);

-- Each item served: its answer buttons name the serve, so an answer is taken once (a replayed update or a second
-- tap finds it answered and rates nothing).
CREATE TABLE practice_serves (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    item_id     TEXT    NOT NULL,
    served_at   TEXT    NOT NULL,
    answered_at TEXT,
    option      INTEGER,              -- the bank's index of the option chosen
    correct     INTEGER
);
CREATE INDEX practice_serves_user ON practice_serves (user_id, id);

-- Every rating given to a card: in practice, or from the group (a wrong answer there).
CREATE TABLE practice_reviews (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    item_id     TEXT    NOT NULL,
    rating      INTEGER NOT NULL,     -- fsrs.Rating: 1 Again, 3 Good
    source      TEXT    NOT NULL,     -- practice | group
    reviewed_at TEXT    NOT NULL,
    due_after   TEXT    NOT NULL      -- the due time the rating gave
);
CREATE INDEX practice_reviews_user ON practice_reviews (user_id, item_id, id);

-- Revealed rounds whose results went into practice (once each).
CREATE TABLE practice_folded (
    round_id  INTEGER PRIMARY KEY,
    folded_at TEXT    NOT NULL
);
