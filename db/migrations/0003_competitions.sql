-- Competitions between cells: a period, a join code, the groups taking part; member counts seen at each post
-- (getChatMemberCount) so groups of different sizes are ranked fairly; weekly bulletin opt-out per group.
CREATE TABLE competitions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL,
    code       TEXT    NOT NULL UNIQUE,
    start_date TEXT    NOT NULL,                     -- local YYYY-MM-DD, inclusive
    end_date   TEXT    NOT NULL,                     -- local YYYY-MM-DD, inclusive
    status     TEXT    NOT NULL DEFAULT 'active',    -- active | ended
    created_by INTEGER NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE TABLE competition_groups (
    competition_id INTEGER NOT NULL REFERENCES competitions (id) ON DELETE CASCADE,
    chat_id        INTEGER NOT NULL,
    joined_at      TEXT    NOT NULL,
    PRIMARY KEY (competition_id, chat_id)
);
CREATE INDEX competition_groups_chat ON competition_groups (chat_id);

ALTER TABLE rounds ADD COLUMN member_count INTEGER;
ALTER TABLE groups ADD COLUMN bulletin INTEGER NOT NULL DEFAULT 1;
ALTER TABLE groups ADD COLUMN member_count INTEGER;
CREATE INDEX score_days_date ON score_days (study_date, chat_id);
