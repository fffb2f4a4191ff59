package io.kindling.scheduler.db;

import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The engine's writes on SQL. Each write is one transaction, so a state change and the rows it implies (alerts
 * in the outbox included) are written together or not at all. The engine writes a transition here before acting
 * on it.
 *
 * <p>Every write is fenced by the owner, a daemon's life: the runs it creates are that daemon's, and each write
 * about a run first checks, in its own transaction, that the run is still that daemon's, else it writes nothing and
 * throws {@link RunFencedException}. On PostgreSQL the check locks the run's row, so a daemon adopting the run
 * waits for the write under way and every later write of the old owner fails.
 */
public final class JdbiRunStore extends JdbiRunQueries implements RunStore {
    private final String owner;
    private final RunInserts inserts;
    private final RunClaims claims;

    public JdbiRunStore(Jdbi jdbi, String owner) {
        super(jdbi);
        this.owner = java.util.Objects.requireNonNull(owner, "owner");
        this.inserts = new RunInserts(owner, this::postgres);
        this.claims = new RunClaims(jdbi, owner);
    }

    @Override
    public String owner() {
        return owner;
    }

    /** Checks, in the transaction of {@code h}, that the run is still this store's owner's, and locks its row. */
    private void fence(Handle h, String runId) {
        int held = h.createUpdate("UPDATE runs SET owner = :owner WHERE run_id = :run_id AND owner = :owner")
                .bind("owner", owner)
                .bind("run_id", runId)
                .execute();
        if (held == 0) {
            throw new RunFencedException(runId, owner);
        }
    }

    @Override
    public void recordRemoteId(String attemptId, String remoteId) {
        new RemoteIdDao(jdbi).record(attemptId, remoteId);
    }

    /**
     * Inserts a run and its task runs (all QUEUED). A scheduled run whose (pipeline, logical time) exists
     * already is not inserted: the database's unique index decides, so restarts and several daemons agree.
     *
     * @return false when the run was a duplicate scheduled run and nothing was written
     */
    @Override
    public boolean insertRun(RunRecord run, Collection<String> taskIds) {
        // PostgreSQL inserts a run in one statement, atomic on its own: no transaction's round trips around it
        return jdbi.withHandle(h -> postgres(h)
                ? inserts.insertRun(h, run, taskIds)
                : h.inTransaction(t -> inserts.insertRun(t, run, taskIds)));
    }

    /**
     * {@link #insertRun} for many runs, in one transaction (one statement on PostgreSQL, two statement batches on
     * SQLite: runs, then their task runs): what a cron fire of many pipelines writes. Duplicate scheduled runs are
     * left out as there.
     *
     * @param taskIds each run's task ids
     * @return the runs that were inserted, in the given order
     */
    @Override
    public List<RunRecord> insertRuns(
            List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds, Runnable beforeCommit) {
        if (runs.isEmpty()) {
            beforeCommit.run();
            return List.of();
        }
        return jdbi.inTransaction(h -> {
            List<RunRecord> inserted = inserts.insertRuns(h, runs, taskIds);
            beforeCommit.run();
            return inserted;
        });
    }

    @Override
    public boolean insertKeyedRun(RunRecord run, Collection<String> taskIds, String key) {
        return jdbi.inTransaction(h -> {
            if (!inserts.insertKey(h, run, key)) {
                return false;
            }
            if (!inserts.insertRun(h, run, taskIds)) {
                h.rollback();
                return false;
            }
            return true;
        });
    }

    @Override
    public boolean insertChildRun(RunRecord run, Collection<String> taskIds, String key, RunLink parent) {
        return jdbi.inTransaction(h -> {
            if (!inserts.insertKey(h, run, key)) {
                return false;
            }
            if (!inserts.insertRun(h, run, taskIds)) {
                h.rollback();
                return false;
            }
            h.createUpdate("UPDATE runs SET parent_run_id = :parent_run_id, parent_task_id = :parent_task_id"
                            + " WHERE run_id = :run_id")
                    .bind("parent_run_id", parent.runId())
                    .bind("parent_task_id", parent.taskId())
                    .bind("run_id", run.runId())
                    .execute();
            h.createUpdate("UPDATE task_attempts SET child_run_id = :child WHERE attempt_id = :attempt_id")
                    .bind("child", run.runId())
                    .bind("attempt_id", parent.attemptId())
                    .execute();
            return true;
        });
    }

    @Override
    public boolean insertFilesRun(
            RunRecord run, Collection<String> taskIds, FileTriggerState state, List<TriggerFile> files) {
        return jdbi.inTransaction(h -> {
            if (!inserts.insertKey(h, run, state.nextKey())) {
                return false;
            }
            if (!inserts.insertRun(h, run, taskIds)) {
                h.rollback();
                return false;
            }
            FileTriggerRows.record(h, run, state.generation() + 1, files);
            return true;
        });
    }

    @Override
    public String insertRunOnce(
            RunRecord run, Collection<String> taskIds, Optional<String> event, Optional<IdempotencyKey> key) {
        return jdbi.inTransaction(h -> {
            if (key.isPresent()) {
                Optional<String> earlier = IdempotencyKeys.claim(h, key.get(), run.runId());
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            if (!inserts.insertRun(h, run, taskIds)) {
                throw new IllegalStateException("run " + run.runId() + " exists already");
            }
            event.ifPresent(fired -> h.createUpdate("UPDATE runs SET trigger_event = :event WHERE run_id = :run_id")
                    .bind("event", fired)
                    .bind("run_id", run.runId())
                    .execute());
            return run.runId();
        });
    }

    /** Records a backfill and all its runs, in one transaction: a backfill exists whole or not at all. */
    @Override
    public String insertBackfill(
            BackfillRecord backfill, List<RunRecord> runs, Collection<String> taskIds, Optional<IdempotencyKey> key) {
        return jdbi.inTransaction(h -> {
            if (key.isPresent()) {
                Optional<String> earlier = IdempotencyKeys.claim(h, key.get(), backfill.backfillId());
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            inserts.insertBackfill(h, backfill, runs, taskIds);
            return backfill.backfillId();
        });
    }

    /**
     * Reopens a finished run for its next repair, in one transaction: records the repair, puts the tasks to run
     * again back to QUEUED (keeping their attempts; retries count afresh), adds the tasks a newer definition
     * has that the run never had, and puts the run back to QUEUED.
     *
     * The run becomes this store's owner's: reopening it is the claim, so two daemons cannot repair it at once.
     *
     * @return the repair's number (1 for the first), or empty when the run has not finished (nothing is written)
     */
    @Override
    public OptionalInt repairRun(
            String runId,
            String contentHash,
            String version,
            List<String> rerun,
            Collection<String> newTasks,
            Instant at) {
        return jdbi.inTransaction(h -> {
            int reopened = h.createUpdate("""
                            UPDATE runs SET state = :state, ended_at = NULL, error = NULL, owner = :owner,
                                   cancel_requested_at = NULL
                            WHERE run_id = :run_id AND state NOT IN (<unfinished>)""")
                    .bind("state", RunState.QUEUED.name())
                    .bind("owner", owner)
                    .bind("run_id", runId)
                    .bindList("unfinished", UNFINISHED)
                    .execute();
            if (reopened == 0) {
                return OptionalInt.empty();
            }
            int number = h.createQuery("SELECT COALESCE(MAX(repair_number), 0) FROM run_repairs WHERE run_id = :id")
                            .bind("id", runId)
                            .mapTo(Integer.class)
                            .one()
                    + 1;
            h.createUpdate("""
                            INSERT INTO run_repairs (run_id, repair_number, content_hash, version, tasks, requested_at)
                            VALUES (:run_id, :repair_number, :content_hash, :version, :tasks, :requested_at)""")
                    .bind("run_id", runId)
                    .bind("repair_number", number)
                    .bind("content_hash", contentHash)
                    .bind("version", version)
                    .bind("tasks", String.join(",", rerun))
                    .bind("requested_at", at.toEpochMilli())
                    .execute();
            PreparedBatch added = h.prepareBatch(
                    "INSERT INTO task_runs (run_id, task_id, state, attempts) VALUES (:run_id, :task_id, :state, 0)");
            for (String taskId : newTasks) {
                added.bind("run_id", runId)
                        .bind("task_id", taskId)
                        .bind("state", TaskState.QUEUED.name())
                        .add();
            }
            if (!newTasks.isEmpty()) {
                added.execute();
            }
            PreparedBatch again = h.prepareBatch("""
                    UPDATE task_runs SET state = :state, ended_at = NULL, error = NULL, next_attempt_at = NULL,
                           attempt_base = attempts
                    WHERE run_id = :run_id AND task_id = :task_id""");
            for (String taskId : rerun) {
                again.bind("state", TaskState.QUEUED.name())
                        .bind("run_id", runId)
                        .bind("task_id", taskId)
                        .add();
            }
            again.execute();
            return OptionalInt.of(number);
        });
    }

    /** Moves a run, and writes the alerts the move causes in the same transaction. */
    @Override
    public void updateRunState(
            String runId,
            RunState state,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt,
            Optional<String> error,
            List<AlertDelivery> alerts) {
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("""
                            UPDATE runs SET state = :state,
                                   started_at = COALESCE(:started_at, started_at),
                                   ended_at = :ended_at, error = :error
                            WHERE run_id = :run_id AND owner = :owner""")
                    .bind("state", state.name())
                    .bind("started_at", Rows.millis(startedAt))
                    .bind("ended_at", Rows.millis(endedAt))
                    .bind("error", error.orElse(null))
                    .bind("run_id", runId)
                    .bind("owner", owner)
                    .execute();
            if (updated == 0) {
                throw new RunFencedException(runId, owner);
            }
            AlertDeliveryDao.insert(h, alerts);
        });
    }

    /**
     * Counts the lane's RUNNING runs (no further than {@code :max}, its max_active_runs: a default lane of 1 reads
     * one row), adds {@code :here}, and starts the run, or leaves it QUEUED, in one statement; {@code %s} is the
     * counted rows' query. No row back: the run is not this owner's.
     */
    private static final String START_IN_LANE = """
            WITH lane AS (SELECT COUNT(*) AS running FROM (%s LIMIT :max) counted)
            UPDATE runs SET state = CASE WHEN lane.running + :here < :max THEN 'RUNNING' ELSE 'QUEUED' END,
                            started_at = CASE WHEN lane.running + :here < :max THEN :started_at ELSE runs.started_at END
            FROM lane WHERE runs.run_id = :run_id AND runs.owner = :owner
            RETURNING state""";

    /** The lane's RUNNING runs, on V21's partial index; {@code %s} is the lane's condition on {@code :lane_of}. */
    private static final String RUNNING_IN_LANE = "SELECT 1 FROM runs WHERE %s AND state = 'RUNNING'";

    /**
     * Only other owners' (and unowned) RUNNING runs of the lane: two ranges of the partial index around this owner's
     * entries, and the NULLs, so the count does not visit the runs this owner drives.
     */
    private static final String RUNNING_ELSEWHERE = RUNNING_IN_LANE + " AND owner < :owner UNION ALL " + RUNNING_IN_LANE
            + " AND owner > :owner UNION ALL " + RUNNING_IN_LANE + " AND owner IS NULL";

    /**
     * On PostgreSQL, READ COMMITTED would let two daemons count the same free place: the lane is locked first. The
     * two statements go in one round trip and one implicit transaction (pgjdbc sends them before a single Sync,
     * which commits them together), so the lock is held until the start is committed.
     */
    private static final String LOCK_LANE = "SELECT pg_advisory_xact_lock(hashtext(:lane));\n";

    @Override
    public boolean startRunInLane(
            String runId,
            String pipelineId,
            Optional<String> backfillId,
            int maxActive,
            OptionalInt runningHere,
            Instant startedAt) {
        String lane =
                backfillId.isPresent() ? "backfill_id = :lane_of" : "pipeline_id = :lane_of AND backfill_id IS NULL";
        String counted = (runningHere.isPresent() ? RUNNING_ELSEWHERE : RUNNING_IN_LANE).replace("%s", lane);
        return jdbi.withHandle(h -> {
            boolean pg = postgres(h);
            org.jdbi.v3.core.statement.Update start = h.createUpdate(
                            (pg ? LOCK_LANE : "") + START_IN_LANE.formatted(counted))
                    .bind("lane_of", backfillId.orElse(pipelineId))
                    .bind("max", maxActive)
                    .bind("here", runningHere.orElse(0))
                    .bind("started_at", startedAt.toEpochMilli())
                    .bind("run_id", runId)
                    .bind("owner", owner);
            if (pg) {
                start.bind("lane", backfillId.map(b -> "backfill:" + b).orElse("pipeline:" + pipelineId));
            }
            String state = start.execute((statement, context) -> {
                java.sql.PreparedStatement s = statement.get();
                if (pg && !s.getMoreResults()) { // past the lock's row
                    throw new IllegalStateException("the lane's start returned no rows on PostgreSQL");
                }
                try (java.sql.ResultSet rows = s.getResultSet()) {
                    return rows != null && rows.next() ? rows.getString(1) : null;
                }
            });
            if (state == null) {
                throw new RunFencedException(runId, owner);
            }
            return state.equals("RUNNING");
        });
    }

    private Boolean postgres;

    /** Whether the history is on PostgreSQL (the one database here several daemons share); looked up once. */
    private boolean postgres(org.jdbi.v3.core.Handle h) {
        if (postgres == null) {
            try {
                postgres =
                        h.getConnection().getMetaData().getDatabaseProductName().equals("PostgreSQL");
            } catch (java.sql.SQLException e) {
                throw new org.jdbi.v3.core.ConnectionException(e);
            }
        }
        return postgres;
    }

    /**
     * Ends a run that cannot go on (its definition is lost): its open tasks move to {@code taskState}, the run to
     * {@code state}, and the alerts that causes are written, all in one transaction.
     */
    @Override
    public void endRun(
            String runId,
            RunState state,
            Collection<String> openTasks,
            TaskState taskState,
            Instant at,
            Optional<String> error,
            List<AlertDelivery> alerts) {
        jdbi.useTransaction(h -> {
            fence(h, runId);
            PreparedBatch tasks = h.prepareBatch("""
                    UPDATE task_runs SET state = :state, ended_at = :ended_at, error = :error
                    WHERE run_id = :run_id AND task_id = :task_id""");
            for (String taskId : openTasks) {
                tasks.bind("state", taskState.name())
                        .bind("ended_at", at.toEpochMilli())
                        .bind("error", error.orElse(null))
                        .bind("run_id", runId)
                        .bind("task_id", taskId)
                        .add();
            }
            if (!openTasks.isEmpty()) {
                tasks.execute();
            }
            h.createUpdate(
                            "UPDATE runs SET state = :state, ended_at = :ended_at, error = :error WHERE run_id = :run_id")
                    .bind("state", state.name())
                    .bind("ended_at", at.toEpochMilli())
                    .bind("error", error.orElse(null))
                    .bind("run_id", runId)
                    .execute();
            AlertDeliveryDao.insert(h, alerts);
        });
    }

    /** Writes alerts that no state change causes (a run going on too long), if the run is still the owner's. */
    @Override
    public void recordAlerts(String runId, List<AlertDelivery> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            fence(h, runId);
            AlertDeliveryDao.insert(h, alerts);
        });
    }

    /** Records a new attempt as RUNNING and moves its task run to RUNNING, in one transaction. */
    @Override
    public void insertIterations(String runId, String forEachTask, List<String> taskIds, List<String> items) {
        jdbi.useTransaction(h -> {
            fence(h, runId);
            PreparedBatch rows = h.prepareBatch("INSERT INTO task_runs (run_id, task_id, state, attempts,"
                    + " for_each_task, item) VALUES (:run_id, :task_id, :state, 0, :for_each_task, :item)");
            for (int i = 0; i < taskIds.size(); i++) {
                rows.bind("run_id", runId)
                        .bind("task_id", taskIds.get(i))
                        .bind("state", TaskState.QUEUED.name())
                        .bind("for_each_task", forEachTask)
                        .bind("item", items.get(i))
                        .add();
            }
            if (!taskIds.isEmpty()) {
                rows.execute();
            }
        });
    }

    @Override
    public void startAttempt(AttemptRecord attempt) {
        jdbi.useTransaction(h -> {
            fence(h, attempt.runId());
            insertAttempt(h, attempt, null, null);
        });
    }

    @Override
    public Optional<AttemptLimit> startAttempt(AttemptRecord attempt, List<AttemptLimit> limits) {
        return jdbi.inTransaction(h -> {
            fence(h, attempt.runId());
            List<AttemptLimit> ordered = limits.stream()
                    .sorted(java.util.Comparator.comparing(AttemptLimit::lockKey))
                    .toList();
            String pool = null;
            String clusterExecutor = null;
            for (AttemptLimit limit : ordered) {
                if (postgres(h)) { // as for lanes: READ COMMITTED alone would let two daemons take the same place
                    h.createQuery("SELECT pg_advisory_xact_lock(hashtext(:key))")
                            .bind("key", limit.lockKey())
                            .mapToMap()
                            .list();
                }
                boolean byPool = limit.kind() == AttemptLimit.Kind.POOL;
                int running = h.createQuery(
                                byPool
                                        ? "SELECT COUNT(*) FROM task_attempts WHERE pool = :name AND state = 'RUNNING'"
                                        : "SELECT COUNT(*) FROM task_attempts WHERE cluster_executor = :name"
                                                + " AND state = 'RUNNING'")
                        .bind("name", limit.name())
                        .mapTo(Integer.class)
                        .one();
                if (running >= limit.size()) {
                    return Optional.of(limit);
                }
                pool = byPool ? limit.name() : pool;
                clusterExecutor = byPool ? clusterExecutor : limit.name();
            }
            insertAttempt(h, attempt, pool, clusterExecutor);
            return Optional.<AttemptLimit>empty();
        });
    }

    /** Pool and cluster executor are written only for the limits the attempt counts against (the indexes are theirs). */
    private void insertAttempt(Handle h, AttemptRecord attempt, String pool, String clusterExecutor) {
        h.createUpdate("""
                            INSERT INTO task_attempts (attempt_id, run_id, task_id, attempt_number, executor, state,
                                                       spark_app_id, queued_at, started_at, ended_at, error, log_path,
                                                       repair_number, rendered, daemon_id, pool, cluster_executor)
                            VALUES (:attempt_id, :run_id, :task_id, :attempt_number, :executor, :state,
                                    :spark_app_id, :queued_at, :started_at, NULL, NULL, :log_path,
                                    :repair_number, :rendered, :daemon_id, :pool, :cluster_executor)""")
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
                .bind("repair_number", attempt.repairNumber())
                .bind("rendered", attempt.rendered().orElse(null))
                .bind("daemon_id", owner)
                .bind("pool", pool)
                .bind("cluster_executor", clusterExecutor)
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
    }

    /** As above, and writes the alerts the attempt's end causes in the same transaction. */
    @Override
    public void finishAttempt(
            String attemptId,
            String runId,
            String taskId,
            TaskState attemptState,
            TaskState taskState,
            Instant endedAt,
            Optional<String> error,
            Optional<Instant> nextAttemptAt,
            Optional<String> sparkAppId,
            Optional<SparkMetrics> sparkMetrics,
            Optional<String> values,
            Optional<Boolean> outcome,
            List<AlertDelivery> alerts) {
        jdbi.useTransaction(h -> {
            fence(h, runId);
            AlertDeliveryDao.insert(h, alerts);
            h.createUpdate("""
                            UPDATE task_attempts SET state = :state, ended_at = :ended_at, error = :error,
                                   spark_app_id = COALESCE(:spark_app_id, spark_app_id),
                                   spark_metrics = :spark_metrics, task_values = :task_values, outcome = :outcome
                            WHERE attempt_id = :attempt_id""")
                    .bind("task_values", values.orElse(null))
                    .bind("outcome", outcome.orElse(null))
                    .bind("state", attemptState.name())
                    .bind("spark_app_id", sparkAppId.orElse(null))
                    .bind(
                            "spark_metrics",
                            sparkMetrics.map(SparkMetrics::toJson).orElse(null))
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
    @Override
    public void updateTaskStates(
            String runId,
            Collection<String> taskIds,
            TaskState state,
            Optional<Instant> endedAt,
            Optional<String> error) {
        if (taskIds.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            fence(h, runId);
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

    @Override
    public List<RunRecord> unfinishedRuns() {
        return claims.unfinishedRuns();
    }

    @Override
    public List<String> adoptOrphans() {
        return claims.adoptOrphans();
    }

    @Override
    public boolean hasOrphans() {
        return claims.hasOrphans();
    }

    @Override
    public int releaseUnfinished() {
        return claims.releaseUnfinished();
    }

    @Override
    public boolean requestCancel(String runId, Instant at) {
        return claims.requestCancel(runId, at);
    }

    @Override
    public List<String> cancelRequests() {
        return claims.cancelRequests();
    }

    /**
     * Ends an attempt that a clean stop interrupted: the attempt FAILED with {@code reason}, its task QUEUED again
     * and the attempt not counted against its retries, so that the next daemon runs it again from the start.
     */
    @Override
    public void interruptAttempt(String attemptId, String runId, String taskId, Instant at, String reason) {
        jdbi.useTransaction(h -> {
            fence(h, runId);
            h.createUpdate("""
                            UPDATE task_attempts SET state = :state, ended_at = :ended_at, error = :error
                            WHERE attempt_id = :attempt_id""")
                    .bind("state", TaskState.FAILED.name())
                    .bind("ended_at", at.toEpochMilli())
                    .bind("error", reason)
                    .bind("attempt_id", attemptId)
                    .execute();
            h.createUpdate("""
                            UPDATE task_runs SET state = :state, attempt_base = attempt_base + 1, ended_at = NULL,
                                   error = :error, next_attempt_at = NULL
                            WHERE run_id = :run_id AND task_id = :task_id""")
                    .bind("state", TaskState.QUEUED.name())
                    .bind("error", reason)
                    .bind("run_id", runId)
                    .bind("task_id", taskId)
                    .execute();
        });
    }
}
