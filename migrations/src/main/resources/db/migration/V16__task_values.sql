-- Task values: the small named JSON values an attempt published for the tasks after it (at most 48 KiB of JSON,
-- checked before it is written), NULL when it published none. Kept with the attempt, so that a repair's tasks read
-- the values of the upstream attempt that succeeded. A condition task's outcome (true or false) is kept beside
-- them, NULL for every other task.
ALTER TABLE task_attempts ADD COLUMN task_values TEXT;
ALTER TABLE task_attempts ADD COLUMN outcome BOOLEAN;
