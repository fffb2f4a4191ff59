-- The dashboard's run history filters by trigger type, and by pipeline and state together, newest first:
-- each filter is a range scan on an index ending in run_id (run ids sort by creation time), never a sort or
-- an OFFSET scan, also with a million runs.
CREATE INDEX runs_by_trigger ON runs (trigger_type, run_id);
CREATE INDEX runs_by_pipeline_state ON runs (pipeline_id, state, run_id);
