-- What an attempt did in Spark (jobs, tasks, bytes and records, spill, times, per-stage skew), as the compact JSON
-- its executor reported; NULL when the executor collects none. One column rather than rows per stage: it is read
-- and written whole with its attempt, and its size is bounded (at most 100 stages are kept).
ALTER TABLE task_attempts ADD COLUMN spark_metrics TEXT;
