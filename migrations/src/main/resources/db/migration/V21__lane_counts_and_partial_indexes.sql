-- Portable SQL, as V1.
--
-- A run's start counts the RUNNING runs of its lane (max_active_runs). The engine knows the ones it drives itself, so
-- the history counts only other daemons' (and unowned) ones: these partial indexes hold just the RUNNING runs of each
-- lane, by owner, so that count is a range scan over other owners' entries and no longer grows with this daemon's
-- running runs (figure 4 of the bench had thousands in one lane).
CREATE INDEX runs_running_by_pipeline ON runs (pipeline_id, owner) WHERE state = 'RUNNING' AND backfill_id IS NULL;
CREATE INDEX runs_running_by_backfill ON runs (backfill_id, owner) WHERE state = 'RUNNING' AND backfill_id IS NOT NULL;

-- Most runs have no backfill, no parent run, and no end yet when they are written: these indexes skip NULLs, so
-- writing a run, and each move of its state, writes three index entries fewer. Every query using them compares
-- the column with a value, which implies it is not NULL (PostgreSQL and SQLite both use a partial index then).
DROP INDEX runs_by_backfill;
CREATE INDEX runs_by_backfill ON runs (backfill_id) WHERE backfill_id IS NOT NULL;
DROP INDEX runs_by_parent;
CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
DROP INDEX runs_by_pipeline_end;
CREATE INDEX runs_by_pipeline_end ON runs (pipeline_id, ended_at) WHERE ended_at IS NOT NULL;
