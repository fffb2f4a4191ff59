package io.kindling.scheduler.db;

import io.kindling.scheduler.core.RunState;
import io.kindling.scheduler.core.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * Runs, task runs and attempts. Each public write is one transaction, so a state change and the rows it
 * implies are written together or not at all. The engine writes a transition here before acting on it.
 */
public final class RunDao {
    private final Jdbi jdbi;

    public RunDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Inserts a run and its task runs (all QUEUED). A scheduled run whose (pipeline, logical time) exists
     * already is not inserted: the database's unique index decides, so restarts and several daemons agree.
     *
     * @return false when the run was a duplicate scheduled run and nothing was written
     */
    public boolean insertRun(RunRecord run, Collection<String> taskIds) {
        return jdbi.inTransaction(h -> {
            int inserted = h.createUpdate("""
                    INSERT INTO runs (run_id, pipeline_id, content_hash, git_commit, trigger_type, logical_time,
                                      params, state, created_at, started_at, ended_at, error)
                    VALUES (:run_id, :pipeline_id, :content_hash, :git_commit, :trigger_type, :logical_time,
                            :params, :state, :created_at, :started_at, :ended_at, :error)
                    ON CONFLICT DO NOTHING""")
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
                    .execute();
            if (inserted == 0) {
                return false;
            }
            PreparedBatch batch = h.prepareBatch(
                    "INSERT INTO task_runs (run_id, task_id, state, attempts) VALUES (:run_id, :task_id, :state, 0)");
            for (String taskId : taskIds) {
                batch.bind("run_id", run.runId()).bind("task_id", taskId).bind("state", TaskState.QUEUED.name()).add();
            }
            batch.execute();
            return true;
        });
    }

    public void updateRunState(String runId, RunState state, Optional<Instant> startedAt, Optional<Instant> endedAt,
                               Optional<String> error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE runs SET state = :state,
                               started_at = COALESCE(:started_at, started_at),
                               ended_at = :ended_at, error = :error
                        WHERE run_id = :run_id""")
                .bind("state", state.name())
                .bind("started_at", Rows.millis(startedAt))
                .bind("ended_at", Rows.millis(endedAt))
                .bind("error", error.orElse(null))
                .bind("run_id", runId)
                .execute());
    }

    /** Records a new attempt as RUNNING and moves its task run to RUNNING, in one transaction. */
    public void startAttempt(AttemptRecord attempt) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO task_attempts (attempt_id, run_id, task_id, attempt_number, executor, state,
                                                       spark_app_id, queued_at, started_at, ended_at, error, log_path)
                            VALUES (:attempt_id, :run_id, :task_id, :attempt_number, :executor, :state,
                                    :spark_app_id, :queued_at, :started_at, NULL, NULL, :log_path)""")
                    .bind("attempt_id", attempt.attemptId())
                    .bind("run_id", attempt.runId())
                    .bind("task_id", attempt.taskId())
                    .bind("attempt_number", attempt.attemptNumber())
                    .bind("executor", attempt.executor())
                    .bind("state", attempt.state().name())
                    .bind("spark_app_id", attempt.sparkAppId().orElse(null))
                    .bind("queued_at", attempt.queuedAt().toEpochMilli())
                    .bind("started_at", Rows.millis(attempt.startedAt()))
                    .bind("log_path", attempt.logPath())
                    .execute();
            h.createUpdate("""
                            UPDATE task_runs SET state = :state, attempts = :attempts,
                                   started_at = COALESCE(started_at, :started_at), next_attempt_at = NULL
                            WHERE run_id = :run_id AND task_id = :task_id""")
                    .bind("state", TaskState.RUNNING.name())
                    .bind("attempts", attempt.attemptNumber())
                    .bind("started_at", Rows.millis(attempt.startedAt()))
                    .bind("run_id", attempt.runId())
                    .bind("task_id", attempt.taskId())
                    .execute();
        });
    }

    /**
     * Ends an attempt and moves its task run, in one transaction.
     *
     * @param taskState     the task run's new state: the attempt's own, or UP_FOR_RETRY
     * @param nextAttemptAt when the retry is due, for UP_FOR_RETRY
     * @param sparkAppId    the Spark application id, when the executor knows it
     */
    public void finishAttempt(String attemptId, String runId, String taskId, TaskState attemptState,
                              TaskState taskState, Instant endedAt, Optional<String> error,
                              Optional<Instant> nextAttemptAt, Optional<String> sparkAppId) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            UPDATE task_attempts SET state = :state, ended_at = :ended_at, error = :error,
                                   spark_app_id = COALESCE(:spark_app_id, spark_app_id)
                            WHERE attempt_id = :attempt_id""")
                    .bind("state", attemptState.name())
                    .bind("spark_app_id", sparkAppId.orElse(null))
                    .bind("ended_at", endedAt.toEpochMilli())
                    .bind("error", error.orElse(null))
                    .bind("attempt_id", attemptId)
                    .execute();
            h.createUpdate("""
                            UPDATE task_runs SET state = :state, ended_at = :ended_at, error = :error,
                                   next_attempt_at = :next_attempt_at
                            WHERE run_id = :run_id AND task_id = :task_id""")
                    .bind("state", taskState.name())
                    .bind("ended_at", taskState.terminal() ? endedAt.toEpochMilli() : null)
                    .bind("error", error.orElse(null))
                    .bind("next_attempt_at", Rows.millis(nextAttemptAt))
                    .bind("run_id", runId)
                    .bind("task_id", taskId)
                    .execute();
        });
    }

    /** Moves several task runs of one run to the same state (QUEUED after a retry delay, UPSTREAM_FAILED...). */
    public void updateTaskStates(String runId, Collection<String> taskIds, TaskState state, Optional<Instant> endedAt,
                                 Optional<String> error) {
        if (taskIds.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    UPDATE task_runs SET state = :state, ended_at = :ended_at, error = :error
                    WHERE run_id = :run_id AND task_id = :task_id""");
            for (String taskId : taskIds) {
                batch.bind("state", state.name())
                        .bind("ended_at", Rows.millis(endedAt))
                        .bind("error", error.orElse(null))
                        .bind("run_id", runId)
                        .bind("task_id", taskId)
                        .add();
            }
            batch.execute();
        });
    }

    public Optional<RunRecord> findRun(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM runs WHERE run_id = :id")
                .bind("id", runId).map(Rows.RUN).findOne());
    }

    /** Runs newest first; {@code before} is the last run id of the previous page (keyset paging, no OFFSET). */
    public List<RunRecord> listRuns(Optional<String> pipelineId, Optional<RunState> state, Optional<String> before,
                                    int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM runs WHERE 1 = 1");
        pipelineId.ifPresent(p -> sql.append(" AND pipeline_id = :pipeline_id"));
        state.ifPresent(s -> sql.append(" AND state = :state"));
        before.ifPresent(b -> sql.append(" AND run_id < :before"));
        sql.append(" ORDER BY run_id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", limit);
            pipelineId.ifPresent(p -> q.bind("pipeline_id", p));
            state.ifPresent(s -> q.bind("state", s.name()));
            before.ifPresent(b -> q.bind("before", b));
            return q.map(Rows.RUN).list();
        });
    }

    public List<RunRecord> runsInStates(Collection<RunState> states) {
        List<String> names = new ArrayList<>();
        states.forEach(s -> names.add(s.name()));
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM runs WHERE state IN (<states>) ORDER BY run_id")
                .bindList("states", names).map(Rows.RUN).list());
    }

    /** The newest run of each pipeline. */
    public Map<String, RunRecord> lastRuns() {
        return jdbi.withHandle(h -> {
            Map<String, RunRecord> out = new java.util.HashMap<>();
            h.createQuery("""
                            SELECT r.* FROM runs r
                            JOIN (SELECT pipeline_id, MAX(run_id) AS run_id FROM runs GROUP BY pipeline_id) m
                              ON r.run_id = m.run_id""")
                    .map(Rows.RUN).forEach(r -> out.put(r.pipelineId(), r));
            return out;
        });
    }

    public List<TaskRunRecord> taskRuns(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM task_runs WHERE run_id = :id ORDER BY task_id")
                .bind("id", runId).map(Rows.TASK_RUN).list());
    }

    public List<AttemptRecord> attempts(String runId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM task_attempts WHERE run_id = :id ORDER BY task_id, attempt_number")
                .bind("id", runId).map(Rows.ATTEMPT).list());
    }

    public List<AttemptRecord> attemptsInState(TaskState state) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM task_attempts WHERE state = :state")
                .bind("state", state.name()).map(Rows.ATTEMPT).list());
    }
}
