-- Competition organizers added with `hpbot organizers add ID` while the bot runs (read at every organizer command,
-- so no restart is needed). The ids in HPBOT_ORGANIZERS count as well, beside these: they are not copied here.
CREATE TABLE organizers (
    user_id  INTEGER PRIMARY KEY,   -- the Telegram user id
    added_at TEXT    NOT NULL       -- UTC ISO
);
