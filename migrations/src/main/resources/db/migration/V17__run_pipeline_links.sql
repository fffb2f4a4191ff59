-- run_pipeline tasks: a run another pipeline's task made names that run and task (NULL for every other run), and the
-- attempt that made it names the run it made, so the API and dashboard link both ways. Written with the child run
-- in one transaction, under the run key parent:<run_id>:<task>:<attempt>, so an attempt makes at most one run.
ALTER TABLE runs ADD COLUMN parent_run_id VARCHAR(64);
ALTER TABLE runs ADD COLUMN parent_task_id VARCHAR(64);
ALTER TABLE task_attempts ADD COLUMN child_run_id VARCHAR(64);
CREATE INDEX runs_by_parent ON runs (parent_run_id);
