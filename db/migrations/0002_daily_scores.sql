-- Per-member, per-day score rows, written at each reveal, so week and month boards read a few rows per member
-- instead of scanning answers. Backfilled from the answers of rounds already revealed.
CREATE TABLE score_days (
    chat_id     INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    study_date  TEXT    NOT NULL,
    points      INTEGER NOT NULL,
    answer_ms   INTEGER NOT NULL,
    correct     INTEGER NOT NULL,
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (chat_id, study_date, user_id)
);

INSERT INTO score_days (chat_id, user_id, study_date, points, answer_ms, correct, answered_at)
SELECT a.chat_id, a.user_id, r.study_date, a.points, a.elapsed_ms, a.correct, a.answered_at
FROM answers a JOIN rounds r ON r.id = a.round_id
WHERE r.status = 'revealed';

CREATE INDEX answers_chat_user ON answers (chat_id, user_id);
CREATE INDEX groups_status ON groups (status, post_time);
ALTER TABLE groups ADD COLUMN migrated_to INTEGER;
