-- For-each tasks: each iteration is a task run of its own, <for_each_task>[<index>], naming the for-each task it
-- belongs to and holding its item as JSON (a one-entry object {"item": ...}). The rows are written in one
-- transaction when the for-each starts, so the list is evaluated once per run: a restart or a repair sees the same
-- items. NULL for every other task run.
ALTER TABLE task_runs ADD COLUMN for_each_task VARCHAR(64);
ALTER TABLE task_runs ADD COLUMN item TEXT;
