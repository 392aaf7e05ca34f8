-- The highest message id the bot knows in each group, and, per round, the value it had when the round was created:
-- after a crash between Telegram accepting a post and the database recording it, the bot looks for that post among
-- the ids above it instead of posting again.
ALTER TABLE groups ADD COLUMN last_message_id INTEGER;
ALTER TABLE rounds ADD COLUMN probe_from INTEGER;
