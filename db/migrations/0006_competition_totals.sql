-- Maintained competition totals: one line per competition, group and member, and one per competition and group,
-- folded in at each reveal (like member_stats), so competition boards read a few indexed rows instead of
-- aggregating the daily rows of every participating group. Backfilled from score_days and rounds.
CREATE TABLE competition_scores (
    competition_id INTEGER NOT NULL,
    chat_id        INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    points         INTEGER NOT NULL DEFAULT 0,
    answers        INTEGER NOT NULL DEFAULT 0,
    correct        INTEGER NOT NULL DEFAULT 0,
    answer_ms      INTEGER NOT NULL DEFAULT 0,
    last_answer_at TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (competition_id, chat_id, user_id)
);
CREATE INDEX competition_scores_rank ON competition_scores (competition_id, points DESC, answer_ms, last_answer_at);

CREATE TABLE competition_group_scores (
    competition_id INTEGER NOT NULL,
    chat_id        INTEGER NOT NULL,
    answers        INTEGER NOT NULL DEFAULT 0,
    member_days    INTEGER NOT NULL DEFAULT 0,     -- members at each revealed post, summed
    points         INTEGER NOT NULL DEFAULT 0,
    answer_ms      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (competition_id, chat_id)
);

INSERT INTO competition_scores (competition_id, chat_id, user_id, points, answers, correct, answer_ms, last_answer_at)
SELECT c.id, d.chat_id, d.user_id, SUM(d.points), COUNT(*), SUM(d.correct), SUM(d.answer_ms), MAX(d.answered_at)
FROM competitions c JOIN competition_groups cg ON cg.competition_id = c.id
JOIN score_days d ON d.chat_id = cg.chat_id AND d.study_date BETWEEN c.start_date AND c.end_date
GROUP BY c.id, d.chat_id, d.user_id;

INSERT INTO competition_group_scores (competition_id, chat_id, answers, member_days, points, answer_ms)
SELECT c.id, cg.chat_id,
    (SELECT COUNT(*) FROM score_days d WHERE d.chat_id = cg.chat_id AND d.study_date BETWEEN c.start_date AND c.end_date),
    (SELECT COALESCE(SUM(COALESCE(r.member_count, 0)), 0) FROM rounds r WHERE r.chat_id = cg.chat_id
        AND r.study_date BETWEEN c.start_date AND c.end_date AND r.status IN ('revealing', 'revealed')),
    (SELECT COALESCE(SUM(d.points), 0) FROM score_days d WHERE d.chat_id = cg.chat_id
        AND d.study_date BETWEEN c.start_date AND c.end_date),
    (SELECT COALESCE(SUM(d.answer_ms), 0) FROM score_days d WHERE d.chat_id = cg.chat_id
        AND d.study_date BETWEEN c.start_date AND c.end_date)
FROM competitions c JOIN competition_groups cg ON cg.competition_id = c.id;
