-- trigger: {files: ...}: the files each pipeline's trigger has started runs for, one row per file as it was last
-- seen. A listing fires for the files whose (size, modified_at) differ from their row. generation counts the
-- pipeline's file-triggered runs: the run of generation N+1 is created under run key "files:<N+1>" (run_keys, V11),
-- so two daemons that read generation N make one run; its rows here, its run and its key are written in one
-- transaction, so a daemon killed on the way leaves the files unseen for the next listing, and none seen twice.
CREATE TABLE file_trigger_seen (
    pipeline_id VARCHAR(64)   NOT NULL,
    path        VARCHAR(2000) NOT NULL, -- fully qualified, as the Hadoop file system lists it
    size        BIGINT        NOT NULL,
    modified_at BIGINT        NOT NULL, -- epoch millis, the file system's
    generation  BIGINT        NOT NULL,
    run_id      VARCHAR(64)   NOT NULL, -- the run this version of the file started
    fired_at    BIGINT        NOT NULL, -- when that run was created: min_interval counts from the newest
    PRIMARY KEY (pipeline_id, path)
);

-- the files that started a run, shown on it and given to its templates as {{ trigger.files }}
CREATE TABLE run_trigger_files (
    run_id      VARCHAR(64)   NOT NULL,
    path        VARCHAR(2000) NOT NULL,
    size        BIGINT        NOT NULL,
    modified_at BIGINT        NOT NULL,
    PRIMARY KEY (run_id, path)
);
