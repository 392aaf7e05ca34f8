-- Groups, members, daily rounds and answers.
CREATE TABLE groups (
    chat_id       INTEGER PRIMARY KEY,
    title         TEXT    NOT NULL DEFAULT '',
    type          TEXT    NOT NULL DEFAULT 'group',
    status        TEXT    NOT NULL DEFAULT 'new',      -- new | active | unsubscribed | kicked
    post_time     TEXT    NOT NULL DEFAULT '07:00',    -- local HH:MM
    reveal_time   TEXT    NOT NULL DEFAULT '20:00',
    subscribed_at TEXT,
    updated_at    TEXT
);

CREATE TABLE users (
    user_id    INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL DEFAULT '',
    last_name  TEXT,
    username   TEXT,
    updated_at TEXT
);

CREATE TABLE rounds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id      INTEGER NOT NULL,
    study_date   TEXT    NOT NULL,                      -- local YYYY-MM-DD
    seq          INTEGER NOT NULL,                      -- 1, 2, 3 ... per group
    question     INTEGER NOT NULL,
    item_id      TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'posting',    -- posting | open | revealing | revealed
    message_id   INTEGER,
    posted_at    TEXT,
    reveal_at    TEXT    NOT NULL,                      -- UTC ISO
    revealed_at  TEXT,
    reveal_sent  INTEGER NOT NULL DEFAULT 0,            -- reveal messages already delivered
    answer_count INTEGER NOT NULL DEFAULT 0,
    UNIQUE (chat_id, study_date),
    UNIQUE (chat_id, seq)
);
CREATE INDEX rounds_status ON rounds (status, reveal_at);

CREATE TABLE answers (
    round_id    INTEGER NOT NULL REFERENCES rounds (id),
    user_id     INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    option      INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at TEXT    NOT NULL,
    elapsed_ms  INTEGER NOT NULL,
    points      INTEGER NOT NULL,
    PRIMARY KEY (round_id, user_id)
);

CREATE TABLE member_stats (
    chat_id        INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    points         INTEGER NOT NULL DEFAULT 0,
    answers        INTEGER NOT NULL DEFAULT 0,
    correct        INTEGER NOT NULL DEFAULT 0,
    answer_ms      INTEGER NOT NULL DEFAULT 0,
    streak         INTEGER NOT NULL DEFAULT 0,
    best_streak    INTEGER NOT NULL DEFAULT 0,
    last_round     INTEGER NOT NULL DEFAULT 0,
    last_answer_at TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (chat_id, user_id)
);
