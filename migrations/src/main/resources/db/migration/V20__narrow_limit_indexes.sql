-- V18's partial indexes held every RUNNING attempt, so each local attempt's start and end also wrote two index
-- entries that no count reads (about a tenth of a no-op task's hand-off on SQLite). They now hold only the attempts
-- a limit counts: those with a pool, and those on a cluster executor (its name in cluster_executor; NULL for a
-- local executor, whose slots are its daemon's own). Running attempts are counted as before the upgrade.
ALTER TABLE task_attempts ADD COLUMN cluster_executor VARCHAR(100);
UPDATE task_attempts SET cluster_executor = executor WHERE state = 'RUNNING';
DROP INDEX task_attempts_running_by_pool;
DROP INDEX task_attempts_running_by_executor;
CREATE INDEX task_attempts_running_by_pool ON task_attempts (pool) WHERE state = 'RUNNING' AND pool IS NOT NULL;
CREATE INDEX task_attempts_running_by_cluster_executor ON task_attempts (cluster_executor)
    WHERE state = 'RUNNING' AND cluster_executor IS NOT NULL;
