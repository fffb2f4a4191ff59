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

    RunInserts(String owner) {
        this.owner = owner;
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

    boolean insertRun(Handle h, RunRecord run, Collection<String> taskIds) {
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

    /** {@link #insertRun} for many runs in two statement batches (runs, then their task runs). */
    List<RunRecord> insertRuns(Handle h, List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds) {
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
