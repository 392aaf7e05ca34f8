-- One reveal time for every group of a competition on each of its study days ('HH:MM', local time): answers close
-- and the official answer is posted at the same minute in every cell, so no cell can pass the right letter on.
-- Competitions made before this step keep each group's own reveal time (NULL); new ones get 20:00.
ALTER TABLE competitions ADD COLUMN reveal_time TEXT;
