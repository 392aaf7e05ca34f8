-- Updates received from Telegram, kept from the moment they arrive until well after they were handled: an update
-- is written here before its batch is confirmed to Telegram (so a crash loses none: the pending ones are handled
-- after the restart), and a second delivery of an update id already here does nothing (replays, webhook retries).
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    raw         TEXT,                   -- the update's JSON while it waits; NULL once handled
    received_at TEXT    NOT NULL,       -- UTC ISO
    done_at     TEXT                    -- UTC ISO; NULL while pending
);
CREATE INDEX inbox_pending ON inbox (done_at, update_id);
