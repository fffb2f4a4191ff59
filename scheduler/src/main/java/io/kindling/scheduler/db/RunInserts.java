package io.kindling.scheduler.db;

import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TaskState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/** How runs are created: the statements {@link JdbiRunStore}'s inserts share, on the caller's transaction. */
final class RunInserts {
    private final String owner;
    /** Whether a handle's database is PostgreSQL. */
    private final java.util.function.Predicate<Handle> postgres;

    RunInserts(String owner, java.util.function.Predicate<Handle> postgres) {
        this.owner = owner;
        this.postgres = postgres;
    }

    private static final String INSERT_RUN = """
            INSERT INTO runs (run_id, pipeline_id, content_hash, git_commit, trigger_type, logical_time,
                              params, state, created_at, started_at, ended_at, error, backfill_id, owner)
            VALUES (:run_id, :pipeline_id, :content_hash, :git_commit, :trigger_type, :logical_time,
                    :params, :state, :created_at, :started_at, :ended_at, :error, :backfill_id, :owner)
            ON CONFLICT DO NOTHING""";

    private static final String INSERT_TASK_RUN =
            "INSERT INTO task_runs (run_id, task_id, state, attempts) VALUES (:run_id, :task_id, :state, 0)";

    private <T extends SqlStatement<T>> T bindRun(T statement, RunRecord run) {
        return statement
                .bind("run_id", run.runId())
                .bind("pipeline_id", run.pipelineId())
                .bind("content_hash", run.contentHash())
                .bind("git_commit", run.gitCommit().orElse(null))
                .bind("trigger_type", run.trigger().dbName())
                .bind("logical_time", run.logicalTime().toEpochMilli())
                .bind("params", Rows.paramsToJson(run.params()))
                .bind("state", run.state().name())
                .bind("created_at", run.createdAt().toEpochMilli())
                .bind("started_at", Rows.millis(run.startedAt()))
                .bind("ended_at", Rows.millis(run.endedAt()))
                .bind("error", run.error().orElse(null))
                .bind("backfill_id", run.backfillId().orElse(null))
                .bind("owner", owner);
    }

    /** Inserts a run and its task runs; false when a scheduled run of its time exists already. */
    boolean insertRun(Handle h, RunRecord run, Collection<String> taskIds) {
        if (postgres.test(h)) { // one statement, one round trip
            return !insertRunsUnnest(h, List.of(run), r -> taskIds).isEmpty();
        }
        if (bindRun(h.createUpdate(INSERT_RUN), run).execute() == 0) {
            return false;
        }
        PreparedBatch batch = h.prepareBatch(INSERT_TASK_RUN);
        for (String taskId : taskIds) {
            batch.bind("run_id", run.runId())
                    .bind("task_id", taskId)
                    .bind("state", TaskState.QUEUED.name())
                    .add();
        }
        batch.execute();
        return true;
    }

    /** Takes {@code key} for the run's pipeline; false when another run has it. */
    boolean insertKey(Handle h, RunRecord run, String key) {
        return h.createUpdate("""
                                INSERT INTO run_keys (pipeline_id, run_key, run_id, created_at)
                                VALUES (:pipeline_id, :run_key, :run_id, :created_at)
                                ON CONFLICT DO NOTHING""")
                        .bind("pipeline_id", run.pipelineId())
                        .bind("run_key", key)
                        .bind("run_id", run.runId())
                        .bind("created_at", run.createdAt().toEpochMilli())
                        .execute()
                == 1;
    }

    /**
     * PostgreSQL's insert of many runs and their task runs: one statement, whatever their number, each column bound
     * as an array (a batch of 10,000 runs is 20,000 statements' executions, and pgjdbc's rewrite of batches into
     * multi-row inserts reports no row counts, which tell a scheduled time that has its run already). Returns the
     * ids of the runs inserted.
     */
    private static final String INSERT_RUNS_UNNEST = """
            WITH new_runs AS (
                INSERT INTO runs (run_id, pipeline_id, content_hash, git_commit, trigger_type, logical_time, params,
                                  state, created_at, started_at, ended_at, error, backfill_id, owner)
                SELECT r.run_id, r.pipeline_id, r.content_hash, r.git_commit, r.trigger_type, r.logical_time,
                       r.params, r.state, r.created_at, r.started_at, r.ended_at, r.error, r.backfill_id, :owner
                FROM unnest(CAST(:run_id AS varchar[]), CAST(:pipeline_id AS varchar[]),
                            CAST(:content_hash AS varchar[]), CAST(:git_commit AS varchar[]),
                            CAST(:trigger_type AS varchar[]), CAST(:logical_time AS bigint[]), CAST(:params AS text[]),
                            CAST(:state AS varchar[]), CAST(:created_at AS bigint[]), CAST(:started_at AS bigint[]),
                            CAST(:ended_at AS bigint[]), CAST(:error AS text[]), CAST(:backfill_id AS varchar[]))
                     AS r (run_id, pipeline_id, content_hash, git_commit, trigger_type, logical_time, params, state,
                           created_at, started_at, ended_at, error, backfill_id)
                ON CONFLICT DO NOTHING
                RETURNING run_id),
            new_tasks AS (
                INSERT INTO task_runs (run_id, task_id, state, attempts)
                SELECT t.run_id, t.task_id, 'QUEUED', 0
                FROM unnest(CAST(:task_run AS varchar[]), CAST(:task_id AS varchar[])) AS t (run_id, task_id)
                JOIN new_runs ON new_runs.run_id = t.run_id)
            SELECT run_id FROM new_runs""";

    /** {@link #insertRun} for many runs: in one statement on PostgreSQL, else in two statement batches. */
    List<RunRecord> insertRuns(Handle h, List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds) {
        return postgres.test(h) ? insertRunsUnnest(h, runs, taskIds) : insertRunsBatched(h, runs, taskIds);
    }

    private List<RunRecord> insertRunsUnnest(
            Handle h, List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds) {
        int n = runs.size();
        String[] runId = new String[n], pipelineId = new String[n], contentHash = new String[n];
        String[] gitCommit = new String[n], trigger = new String[n], params = new String[n], state = new String[n];
        String[] error = new String[n], backfillId = new String[n];
        Long[] logicalTime = new Long[n], createdAt = new Long[n], startedAt = new Long[n], endedAt = new Long[n];
        List<String> taskRun = new ArrayList<>(n);
        List<String> taskId = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RunRecord run = runs.get(i);
            runId[i] = run.runId();
            pipelineId[i] = run.pipelineId();
            contentHash[i] = run.contentHash();
            gitCommit[i] = run.gitCommit().orElse(null);
            trigger[i] = run.trigger().dbName();
            logicalTime[i] = run.logicalTime().toEpochMilli();
            params[i] = Rows.paramsToJson(run.params());
            state[i] = run.state().name();
            createdAt[i] = run.createdAt().toEpochMilli();
            startedAt[i] = Rows.millis(run.startedAt());
            endedAt[i] = Rows.millis(run.endedAt());
            error[i] = run.error().orElse(null);
            backfillId[i] = run.backfillId().orElse(null);
            for (String task : taskIds.apply(run)) {
                taskRun.add(run.runId());
                taskId.add(task);
            }
        }
        java.util.Set<String> inserted = new java.util.HashSet<>(h.createQuery(INSERT_RUNS_UNNEST)
                .bind("owner", owner)
                .bindArray("run_id", String.class, (Object[]) runId)
                .bindArray("pipeline_id", String.class, (Object[]) pipelineId)
                .bindArray("content_hash", String.class, (Object[]) contentHash)
                .bindArray("git_commit", String.class, (Object[]) gitCommit)
                .bindArray("trigger_type", String.class, (Object[]) trigger)
                .bindArray("logical_time", Long.class, (Object[]) logicalTime)
                .bindArray("params", String.class, (Object[]) params)
                .bindArray("state", String.class, (Object[]) state)
                .bindArray("created_at", Long.class, (Object[]) createdAt)
                .bindArray("started_at", Long.class, (Object[]) startedAt)
                .bindArray("ended_at", Long.class, (Object[]) endedAt)
                .bindArray("error", String.class, (Object[]) error)
                .bindArray("backfill_id", String.class, (Object[]) backfillId)
                .bindArray("task_run", String.class, taskRun)
                .bindArray("task_id", String.class, taskId)
                .mapTo(String.class)
                .list());
        return runs.stream().filter(run -> inserted.contains(run.runId())).toList();
    }

    private List<RunRecord> insertRunsBatched(
            Handle h, List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds) {
        PreparedBatch batch = h.prepareBatch(INSERT_RUN);
        for (RunRecord run : runs) {
            bindRun(batch, run).add();
        }
        int[] counts = batch.execute();
        List<RunRecord> inserted = new ArrayList<>(runs.size());
        PreparedBatch tasks = h.prepareBatch(INSERT_TASK_RUN);
        for (int i = 0; i < runs.size(); i++) {
            if (counts[i] == 0) { // ON CONFLICT DO NOTHING: the scheduled time has its run already
                continue;
            }
            RunRecord run = runs.get(i);
            inserted.add(run);
            for (String taskId : taskIds.apply(run)) {
                tasks.bind("run_id", run.runId())
                        .bind("task_id", taskId)
                        .bind("state", TaskState.QUEUED.name())
                        .add();
            }
        }
        if (tasks.size() > 0) {
            tasks.execute();
        }
        return inserted;
    }

    void insertBackfill(Handle h, BackfillRecord backfill, List<RunRecord> runs, Collection<String> taskIds) {
        h.createUpdate("""
                        INSERT INTO backfills (backfill_id, pipeline_id, from_time, to_time, max_active_runs,
                                               created_at)
                        VALUES (:backfill_id, :pipeline_id, :from_time, :to_time, :max_active_runs, :created_at)""")
                .bind("backfill_id", backfill.backfillId())
                .bind("pipeline_id", backfill.pipelineId())
                .bind("from_time", backfill.from().toEpochMilli())
                .bind("to_time", backfill.to().toEpochMilli())
                .bind("max_active_runs", backfill.maxActiveRuns())
                .bind("created_at", backfill.createdAt().toEpochMilli())
                .execute();
        for (RunRecord run : runs) {
            insertRun(h, run, taskIds);
        }
    }
}
