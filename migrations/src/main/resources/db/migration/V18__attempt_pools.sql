-- Limits that hold across daemons: an attempt's start counts the RUNNING attempts of its pool (config.yml pools:)
-- and of its cluster executor over every daemon, under a transaction lock on each. The pool an attempt holds a
-- place of is written with it (NULL: none); partial indexes keep both counts to the running attempts.
ALTER TABLE task_attempts ADD COLUMN pool VARCHAR(100);
CREATE INDEX task_attempts_running_by_pool ON task_attempts (pool) WHERE state = 'RUNNING';
CREATE INDEX task_attempts_running_by_executor ON task_attempts (executor) WHERE state = 'RUNNING';
