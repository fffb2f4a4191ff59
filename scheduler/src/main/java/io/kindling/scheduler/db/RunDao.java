package io.kindling.scheduler.db;

import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TaskRunRecord;

/**
 * Runs, task runs and attempts. Each public write is one transaction, so a state change and the rows it
 * implies are written together or not at all. The engine writes a transition here before acting on it.
 *
 * <p>A DAO made for an owner (a daemon's life) is fenced: the runs it creates are that daemon's, and each write
 * about a run first checks, in its own transaction, that the run is still that daemon's, else it writes nothing and
 * throws {@link RunFencedException}. On PostgreSQL the check locks the run's row, so a daemon adopting the run
 * waits for the write under way and every later write of the old owner fails.
 */
public final class RunDao {
    private static final List<String> UNFINISHED = List.of(RunState.QUEUED.name(), RunState.RUNNING.name());

    private final Jdbi jdbi;
    /** The daemon whose runs these are; null for an unfenced DAO (reads, tools and tests). */
    private final String owner;

    public RunDao(Jdbi jdbi) {
        this(jdbi, null);
    }

    public RunDao(Jdbi jdbi, String owner) {
        this.jdbi = jdbi;
        this.owner = owner;
    }

    /** Checks, in the transaction of {@code h}, that the run is still this DAO's owner's, and locks its row. */
    private void fence(Handle h, String runId) {
        if (owner == null) {
            return;
        }
        int held = h.createUpdate("UPDATE runs SET owner = :owner WHERE run_id = :run_id AND owner = :owner")
                .bind("owner", owner).bind("run_id", runId).execute();
        if (held == 0) {
            throw new RunFencedException(runId, owner);
        }
    }

    /** The remote ids of attempts, on the same database. */
    public RemoteIdDao remoteIds() {
        return new RemoteIdDao(jdbi);
    }

    /**
     * Inserts a run and its task runs (all QUEUED). A scheduled run whose (pipeline, logical time) exists
     * already is not inserted: the database's unique index decides, so restarts and several daemons agree.
     *
     * @return false when the run was a duplicate scheduled run and nothing was written
     */
    public boolean insertRun(RunRecord run, Collection<String> taskIds) {
        return jdbi.inTransaction(h -> insertRun(h, run, taskIds));
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

    private boolean insertRun(Handle h, RunRecord run, Collection<String> taskIds) {
        if (bindRun(h.createUpdate(INSERT_RUN), run).execute() == 0) {
            return false;
        }
        PreparedBatch batch = h.prepareBatch(INSERT_TASK_RUN);
        for (String taskId : taskIds) {
            batch.bind("run_id", run.runId()).bind("task_id", taskId).bind("state", TaskState.QUEUED.name()).add();
        }
        batch.execute();
        return true;
    }

    /**
     * {@link #insertRun} for many runs, in one transaction and two statement batches (runs, then their task runs):
     * what a cron fire of many pipelines writes. Duplicate scheduled runs are left out as there.
     *
     * @param taskIds each run's task ids
     * @return the runs that were inserted, in the given order
     */
    public List<RunRecord> insertRuns(List<RunRecord> runs, Function<RunRecord, Collection<String>> taskIds) {
        if (runs.isEmpty()) {
            return List.of();
        }
        return jdbi.inTransaction(h -> {
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
                    tasks.bind("run_id", run.runId()).bind("task_id", taskId).bind("state", TaskState.QUEUED.name())
                            .add();
                }
            }
            if (tasks.size() > 0) {
                tasks.execute();
            }
            return inserted;
        });
    }

    /** Records a backfill and all its runs, in one transaction: a backfill exists whole or not at all. */
    public void insertBackfill(BackfillRecord backfill, List<RunRecord> runs, Collection<String> taskIds) {
        jdbi.useTransaction(h -> {
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
        });
    }

    public Optional<BackfillRecord> findBackfill(String backfillId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM backfills WHERE backfill_id = :id")
                .bind("id", backfillId).map(Rows.BACKFILL).findOne());
    }

    /** How many of the backfill's runs are in each state. */
    public Map<RunState, Integer> backfillProgress(String backfillId) {
        return jdbi.withHandle(h -> {
            Map<RunState, Integer> counts = new EnumMap<>(RunState.class);
            h.createQuery("SELECT state, COUNT(*) AS n FROM runs WHERE backfill_id = :id GROUP BY state")
                    .bind("id", backfillId)
                    .map((rs, ctx) -> Map.entry(RunState.valueOf(rs.getString("state")), rs.getInt("n")))
                    .forEach(e -> counts.put(e.getKey(), e.getValue()));
            return counts;
        });
    }

    /** The pipeline's manual runs waiting in the queue: one count on the (pipeline_id, state) index. */
    public int queuedManualRuns(String pipelineId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM runs
                        WHERE pipeline_id = :pipeline_id AND state = 'QUEUED' AND trigger_type = 'manual'""")
                .bind("pipeline_id", pipelineId).mapTo(Integer.class).one());
    }

    /** The pipeline's backfills that still have a queued or running run, on the same index. */
    public int activeBackfills(String pipelineId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(DISTINCT backfill_id) FROM runs
                        WHERE pipeline_id = :pipeline_id AND state IN ('QUEUED', 'RUNNING')
                          AND backfill_id IS NOT NULL""")
                .bind("pipeline_id", pipelineId).mapTo(Integer.class).one());
    }

    /** Scheduled and backfill runs of a pipeline whose logical times lie in {@code [from, to]}. */
    public List<RunRecord> timedRuns(String pipelineId, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM runs WHERE pipeline_id = :pipeline_id
                          AND trigger_type IN ('schedule', 'backfill')
                          AND logical_time >= :from AND logical_time <= :to
                        ORDER BY logical_time, run_id""")
                .bind("pipeline_id", pipelineId)
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .map(Rows.RUN).list());
    }

    /** Logical times in {@code [from, to]} with a backfill run that succeeded or is under way. */
    public Set<Instant> backfilledTimes(String pipelineId, Instant from, Instant to) {
        Set<Instant> times = new HashSet<>();
        for (RunRecord run : timedRuns(pipelineId, from, to)) {
            if (run.trigger() == TriggerType.BACKFILL && run.state() != RunState.FAILED
                    && run.state() != RunState.CANCELLED) {
                times.add(run.logicalTime());
            }
        }
        return times;
    }

    /**
     * {@link #backfilledTimes} for many pipelines, with one query per few hundred of them: what a cron fire of
     * many pipelines asks.
     *
     * @return per pipeline that has any, its backfilled logical times in {@code [from, to]}
     */
    public Map<String, Set<Instant>> backfilledTimes(Collection<String> pipelineIds, Instant from,
                                                               Instant to) {
        Map<String, Set<Instant>> times = new HashMap<>();
        List<String> ids = new ArrayList<>(pipelineIds);
        jdbi.useHandle(h -> {
            for (int start = 0; start < ids.size(); start += 500) {
                h.createQuery("""
                                SELECT pipeline_id, logical_time FROM runs
                                WHERE pipeline_id IN (<ids>) AND trigger_type = 'backfill'
                                  AND state NOT IN ('FAILED', 'CANCELLED')
                                  AND logical_time >= :from AND logical_time <= :to""")
                        .bindList("ids", ids.subList(start, Math.min(ids.size(), start + 500)))
                        .bind("from", from.toEpochMilli())
                        .bind("to", to.toEpochMilli())
                        .map((rs, ctx) -> Map.entry(rs.getString("pipeline_id"),
                                Instant.ofEpochMilli(rs.getLong("logical_time"))))
                        .forEach(e -> times.computeIfAbsent(e.getKey(), k -> new HashSet<>())
                                .add(e.getValue()));
            }
        });
        return times;
    }

    /**
     * Reopens a finished run for its next repair, in one transaction: records the repair, puts the tasks to run
     * again back to QUEUED (keeping their attempts; retries count afresh), adds the tasks a newer definition
     * has that the run never had, and puts the run back to QUEUED.
     *
     * The run becomes this DAO's owner's: reopening it is the claim, so two daemons cannot repair it at once.
     *
     * @return the repair's number (1 for the first), or empty when the run has not finished (nothing is written)
     */
    public OptionalInt repairRun(String runId, String contentHash, String version, List<String> rerun,
                                           Collection<String> newTasks, Instant at) {
        return jdbi.inTransaction(h -> {
            int reopened = h.createUpdate("""
                            UPDATE runs SET state = :state, ended_at = NULL, error = NULL, owner = :owner,
                                   cancel_requested_at = NULL
                            WHERE run_id = :run_id AND state NOT IN (<unfinished>)""")
                    .bind("state", RunState.QUEUED.name()).bind("owner", owner).bind("run_id", runId)
                    .bindList("unfinished", UNFINISHED).execute();
            if (reopened == 0) {
                return OptionalInt.empty();
            }
            int number = h.createQuery("SELECT COALESCE(MAX(repair_number), 0) FROM run_repairs WHERE run_id = :id")
                    .bind("id", runId).mapTo(Integer.class).one() + 1;
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
                added.bind("run_id", runId).bind("task_id", taskId).bind("state", TaskState.QUEUED.name()).add();
            }
            if (!newTasks.isEmpty()) {
                added.execute();
            }
            PreparedBatch again = h.prepareBatch("""
                    UPDATE task_runs SET state = :state, ended_at = NULL, error = NULL, next_attempt_at = NULL,
                           attempt_base = attempts
                    WHERE run_id = :run_id AND task_id = :task_id""");
            for (String taskId : rerun) {
                again.bind("state", TaskState.QUEUED.name()).bind("run_id", runId).bind("task_id", taskId).add();
            }
            again.execute();
            return OptionalInt.of(number);
        });
    }

    /** The run's repairs, oldest first. */
    public List<RepairRecord> repairs(String runId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM run_repairs WHERE run_id = :id ORDER BY repair_number")
                .bind("id", runId).map(Rows.REPAIR).list());
    }

    public void updateRunState(String runId, RunState state, Optional<Instant> startedAt, Optional<Instant> endedAt,
                               Optional<String> error) {
        updateRunState(runId, state, startedAt, endedAt, error, List.of());
    }

    /** Moves a run, and writes the alerts the move causes in the same transaction. */
    public void updateRunState(String runId, RunState state, Optional<Instant> startedAt, Optional<Instant> endedAt,
                               Optional<String> error, List<AlertDelivery> alerts) {
        jdbi.useTransaction(h -> {
            int updated = h.createUpdate("""
                            UPDATE runs SET state = :state,
                                   started_at = COALESCE(:started_at, started_at),
                                   ended_at = :ended_at, error = :error
                            WHERE run_id = :run_id""" + (owner == null ? "" : " AND owner = :owner"))
                    .bind("state", state.name())
                    .bind("started_at", Rows.millis(startedAt))
                    .bind("ended_at", Rows.millis(endedAt))
                    .bind("error", error.orElse(null))
                    .bind("run_id", runId)
                    .bindMap(owner == null ? Map.of() : Map.of("owner", owner))
                    .execute();
            if (updated == 0 && owner != null) {
                throw new RunFencedException(runId, owner);
            }
            AlertDeliveryDao.insert(h, alerts);
        });
    }

    /**
     * Ends a run that cannot go on (its definition is lost): its open tasks move to {@code taskState}, the run to
     * {@code state}, and the alerts that causes are written, all in one transaction.
     */
    public void endRun(String runId, RunState state, Collection<String> openTasks, TaskState taskState, Instant at,
                       Optional<String> error, List<AlertDelivery> alerts) {
        jdbi.useTransaction(h -> {
            fence(h, runId);
            PreparedBatch tasks = h.prepareBatch("""
                    UPDATE task_runs SET state = :state, ended_at = :ended_at, error = :error
                    WHERE run_id = :run_id AND task_id = :task_id""");
            for (String taskId : openTasks) {
                tasks.bind("state", taskState.name()).bind("ended_at", at.toEpochMilli())
                        .bind("error", error.orElse(null)).bind("run_id", runId).bind("task_id", taskId).add();
            }
            if (!openTasks.isEmpty()) {
                tasks.execute();
            }
            h.createUpdate("UPDATE runs SET state = :state, ended_at = :ended_at, error = :error WHERE run_id = :run_id")
                    .bind("state", state.name()).bind("ended_at", at.toEpochMilli())
                    .bind("error", error.orElse(null)).bind("run_id", runId).execute();
            AlertDeliveryDao.insert(h, alerts);
        });
    }

    /** Writes alerts that no state change causes (a run going on too long), if the run is still the owner's. */
    public void recordAlerts(String runId, List<AlertDelivery> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            fence(h, runId);
            AlertDeliveryDao.insert(h, alerts);
        });
    }

    /** The state of the pipeline's newest finished run before {@code runId}, if any. */
    public Optional<RunState> previousFinishedState(String pipelineId, String runId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT state FROM runs WHERE pipeline_id = :pipeline_id AND run_id < :run_id
                          AND state IN ('SUCCEEDED', 'FAILED')
                        ORDER BY run_id DESC LIMIT 1""")
                .bind("pipeline_id", pipelineId).bind("run_id", runId)
                .mapTo(String.class).findOne().map(RunState::valueOf));
    }

    /** Records a new attempt as RUNNING and moves its task run to RUNNING, in one transaction. */
    public void startAttempt(AttemptRecord attempt) {
        jdbi.useTransaction(h -> {
            fence(h, attempt.runId());
            h.createUpdate("""
                            INSERT INTO task_attempts (attempt_id, run_id, task_id, attempt_number, executor, state,
                                                       spark_app_id, queued_at, started_at, ended_at, error, log_path,
                                                       repair_number, rendered, daemon_id)
                            VALUES (:attempt_id, :run_id, :task_id, :attempt_number, :executor, :state,
                                    :spark_app_id, :queued_at, :started_at, NULL, NULL, :log_path,
                                    :repair_number, :rendered, :daemon_id)""")
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
        finishAttempt(attemptId, runId, taskId, attemptState, taskState, endedAt, error, nextAttemptAt, sparkAppId,
                List.of());
    }

    /** As above, and writes the alerts the attempt's end causes in the same transaction. */
    public void finishAttempt(String attemptId, String runId, String taskId, TaskState attemptState,
                              TaskState taskState, Instant endedAt, Optional<String> error,
                              Optional<Instant> nextAttemptAt, Optional<String> sparkAppId,
                              List<AlertDelivery> alerts) {
        jdbi.useTransaction(h -> {
            fence(h, runId);
            AlertDeliveryDao.insert(h, alerts);
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

    public Optional<RunRecord> findRun(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM runs WHERE run_id = :id")
                .bind("id", runId).map(Rows.RUN).findOne());
    }

    /** Runs newest first; {@code before} is the last run id of the previous page (keyset paging, no OFFSET). */
    public List<RunRecord> listRuns(Optional<String> pipelineId, Optional<RunState> state, Optional<String> before,
                                    int limit) {
        return listRuns(new RunFilter(pipelineId, state, Optional.empty(), Optional.empty(), Optional.empty()),
                before, limit);
    }

    /** A page of runs newest first, keyset-paged: {@code before} is the last run id of the previous page. */
    public List<RunRecord> listRuns(RunFilter filter, Optional<String> before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM runs WHERE 1 = 1");
        filter.pipelineId().ifPresent(p -> sql.append(" AND pipeline_id = :pipeline_id"));
        filter.state().ifPresent(s -> sql.append(" AND state = :state"));
        filter.trigger().ifPresent(t -> sql.append(" AND trigger_type = :trigger"));
        filter.createdFrom().ifPresent(t -> sql.append(" AND run_id >= :from_id"));
        filter.createdUntil().ifPresent(t -> sql.append(" AND run_id < :until_id"));
        before.ifPresent(b -> sql.append(" AND run_id < :before"));
        sql.append(" ORDER BY run_id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", limit);
            filter.pipelineId().ifPresent(p -> q.bind("pipeline_id", p));
            filter.state().ifPresent(s -> q.bind("state", s.name()));
            filter.trigger().ifPresent(t -> q.bind("trigger", t.dbName()));
            filter.createdFrom().ifPresent(t -> q.bind("from_id", RunIds.firstIdAt(t)));
            filter.createdUntil().ifPresent(t -> q.bind("until_id", RunIds.firstIdAt(t)));
            before.ifPresent(b -> q.bind("before", b));
            return q.map(Rows.RUN).list();
        });
    }

    /**
     * The newest {@code perPipeline} runs of each of the given pipelines, newest first: one statement per 100
     * pipelines, a UNION ALL of per-pipeline {@code ORDER BY run_id DESC LIMIT n} reads, each a short backwards
     * range scan of {@code runs_by_pipeline} on SQLite and PostgreSQL alike (a window function over the whole
     * table would read every run of a million-run history).
     */
    public Map<String, List<RunRecord>> recentRuns(Collection<String> pipelineIds, int perPipeline) {
        Map<String, List<RunRecord>> out = new LinkedHashMap<>();
        pipelineIds.forEach(id -> out.put(id, new ArrayList<>()));
        List<String> ids = List.copyOf(out.keySet());
        int batch = 100; // SQLite allows 500 terms in a compound SELECT
        for (int from = 0; from < ids.size(); from += batch) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + batch));
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : " UNION ALL ")
                        .append("SELECT * FROM (SELECT * FROM runs WHERE pipeline_id = :p").append(i)
                        .append(" ORDER BY run_id DESC LIMIT :limit) r").append(i);
            }
            jdbi.useHandle(h -> {
                Query q = h.createQuery(sql.toString()).bind("limit", perPipeline);
                for (int i = 0; i < chunk.size(); i++) {
                    q.bind("p" + i, chunk.get(i));
                }
                q.map(Rows.RUN).forEach(r -> out.get(r.pipelineId()).add(r));
            });
        }
        // UNION ALL promises no order: each list newest first
        out.values().forEach(list -> list.sort(Comparator.comparing(RunRecord::runId).reversed()));
        return out;
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

    /** The daemon this DAO writes for; empty for an unfenced DAO. */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    /** Unfinished runs (QUEUED or RUNNING) that are this DAO's owner's; every unfinished run for an unfenced DAO. */
    public List<RunRecord> unfinishedRuns() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM runs WHERE state IN (<states>)"
                        + (owner == null ? "" : " AND owner = :owner") + " ORDER BY run_id")
                .bindList("states", UNFINISHED).bindMap(owner == null ? Map.of() : Map.of("owner", owner))
                .map(Rows.RUN).list());
    }

    /**
     * Makes this DAO's owner the owner of the unfinished runs that have none, or whose owner has stopped (cleanly,
     * or declared dead by a daemon that saw its heartbeat go stale). Each run is claimed with a conditional update,
     * so when two daemons adopt at once each run goes to exactly one of them.
     *
     * @return the ids of the runs adopted
     */
    public List<String> adoptOrphans() {
        String orphan = """
                state IN (<states>) AND (owner IS NULL
                  OR owner NOT IN (SELECT daemon_id FROM daemons WHERE stopped_at IS NULL))""";
        return jdbi.withHandle(h -> {
            List<String> candidates = h.createQuery("SELECT run_id FROM runs WHERE " + orphan + " ORDER BY run_id")
                    .bindList("states", UNFINISHED).mapTo(String.class).list();
            List<String> adopted = new ArrayList<>();
            for (String runId : candidates) {
                int claimed = h.createUpdate("UPDATE runs SET owner = :owner WHERE run_id = :run_id AND " + orphan)
                        .bind("owner", owner).bind("run_id", runId).bindList("states", UNFINISHED).execute();
                if (claimed == 1) {
                    adopted.add(runId);
                }
            }
            return adopted;
        });
    }

    /** Gives up the owner's unfinished runs (a clean stop): the next daemon to look adopts them. */
    public int releaseUnfinished() {
        return jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE runs SET owner = NULL WHERE owner = :owner AND state IN (<states>)")
                .bind("owner", owner).bindList("states", UNFINISHED).execute());
    }

    /** Asks whoever owns an unfinished run to cancel it. @return false when the run is not unfinished */
    public boolean requestCancel(String runId, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE runs SET cancel_requested_at = :at WHERE run_id = :run_id AND state IN (<states>)""")
                .bind("at", at.toEpochMilli()).bind("run_id", runId).bindList("states", UNFINISHED).execute()) == 1;
    }

    /** This owner's unfinished runs that a cancel was asked for. */
    public List<String> cancelRequests() {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT run_id FROM runs WHERE owner = :owner AND state IN (<states>)
                          AND cancel_requested_at IS NOT NULL""")
                .bind("owner", owner).bindList("states", UNFINISHED).mapTo(String.class).list());
    }

    /**
     * Ends an attempt that a clean stop interrupted: the attempt FAILED with {@code reason}, its task QUEUED again
     * and the attempt not counted against its retries, so that the next daemon runs it again from the start.
     */
    public void interruptAttempt(String attemptId, String runId, String taskId, Instant at, String reason) {
        jdbi.useTransaction(h -> {
            fence(h, runId);
            h.createUpdate("""
                            UPDATE task_attempts SET state = :state, ended_at = :ended_at, error = :error
                            WHERE attempt_id = :attempt_id""")
                    .bind("state", TaskState.FAILED.name()).bind("ended_at", at.toEpochMilli())
                    .bind("error", reason).bind("attempt_id", attemptId).execute();
            h.createUpdate("""
                            UPDATE task_runs SET state = :state, attempt_base = attempt_base + 1, ended_at = NULL,
                                   error = :error, next_attempt_at = NULL
                            WHERE run_id = :run_id AND task_id = :task_id""")
                    .bind("state", TaskState.QUEUED.name()).bind("error", reason)
                    .bind("run_id", runId).bind("task_id", taskId).execute();
        });
    }
}
