package io.kindling.scheduler.db;

import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
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
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatements;

/** The run history's reads on SQL (SQLite or PostgreSQL); no write, so no owner. */
public class JdbiRunQueries implements RunQueries {
    static final List<String> UNFINISHED = List.of(RunState.QUEUED.name(), RunState.RUNNING.name());

    final Jdbi jdbi;

    public JdbiRunQueries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<BackfillRecord> findBackfill(String backfillId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM backfills WHERE backfill_id = :id")
                .bind("id", backfillId)
                .map(Rows.BACKFILL)
                .findOne());
    }

    /** How many of the backfill's runs are in each state. */
    @Override
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
    @Override
    public int queuedManualRuns(String pipelineId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(*) FROM runs
                        WHERE pipeline_id = :pipeline_id AND state = 'QUEUED' AND trigger_type = 'manual'""")
                .bind("pipeline_id", pipelineId)
                .mapTo(Integer.class)
                .one());
    }

    /** The pipeline's backfills that still have a queued or running run, on the same index. */
    @Override
    public int activeBackfills(String pipelineId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT COUNT(DISTINCT backfill_id) FROM runs
                        WHERE pipeline_id = :pipeline_id AND state IN ('QUEUED', 'RUNNING')
                          AND backfill_id IS NOT NULL""")
                .bind("pipeline_id", pipelineId)
                .mapTo(Integer.class)
                .one());
    }

    /** Scheduled and backfill runs of a pipeline whose logical times lie in {@code [from, to]}. */
    @Override
    public List<RunRecord> runsEndedSince(String pipelineId, Instant since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM runs WHERE pipeline_id = :pipeline_id AND ended_at >= :since
                        ORDER BY ended_at, run_id""")
                .bind("pipeline_id", pipelineId)
                .bind("since", since.toEpochMilli())
                .map(Rows.RUN)
                .list());
    }

    @Override
    public Optional<String> triggerEvent(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT trigger_event FROM runs WHERE run_id = :run_id")
                .bind("run_id", runId)
                .mapTo(String.class)
                .findOne());
    }

    @Override
    public Optional<String> heldBy(String scope, String key, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("SELECT result_id FROM idempotency_keys"
                        + " WHERE scope = :scope AND idem_key = :idem_key AND expires_at > :now")
                .bind("scope", scope)
                .bind("idem_key", key)
                .bind("now", now.toEpochMilli())
                .mapTo(String.class)
                .findOne());
    }

    @Override
    public Optional<String> runKey(String pipelineId, String runId) {
        // by the primary key's first column: a pipeline's keys, not the whole table
        return jdbi.withHandle(
                h -> h.createQuery("SELECT run_key FROM run_keys WHERE pipeline_id = :pipeline_id AND run_id = :run_id")
                        .bind("pipeline_id", pipelineId)
                        .bind("run_id", runId)
                        .mapTo(String.class)
                        .findFirst());
    }

    @Override
    public FileTriggerState fileTriggerState(String pipelineId) {
        return jdbi.withHandle(h -> FileTriggerRows.state(h, pipelineId));
    }

    @Override
    public List<TriggerFile> triggerFiles(String runId) {
        return jdbi.withHandle(h -> FileTriggerRows.files(h, runId));
    }

    @Override
    public Optional<RunLink> parentOf(String runId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT p.pipeline_id, p.run_id, c.parent_task_id, a.attempt_id
                        FROM runs c JOIN runs p ON p.run_id = c.parent_run_id
                        JOIN task_attempts a ON a.run_id = p.run_id AND a.child_run_id = c.run_id
                        WHERE c.run_id = :run_id""")
                .bind("run_id", runId)
                .map((rs, ctx) -> new RunLink(
                        rs.getString("pipeline_id"),
                        rs.getString("run_id"),
                        rs.getString("parent_task_id"),
                        rs.getString("attempt_id")))
                .findFirst());
    }

    @Override
    public Map<String, RunRecord> childRuns(String runId) {
        return jdbi.withHandle(h -> {
            Map<String, RunRecord> children = new LinkedHashMap<>();
            h.createQuery("""
                            SELECT a.attempt_id AS parent_attempt_id, r.* FROM task_attempts a
                            JOIN runs r ON r.run_id = a.child_run_id
                            WHERE a.run_id = :run_id ORDER BY a.attempt_id""")
                    .bind("run_id", runId)
                    .map((rs, ctx) -> Map.entry(rs.getString("parent_attempt_id"), Rows.RUN.map(rs, ctx)))
                    .forEach(e -> children.put(e.getKey(), e.getValue()));
            return children;
        });
    }

    @Override
    public Optional<RunRecord> runByKey(String pipelineId, String key) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT r.* FROM run_keys k JOIN runs r ON r.run_id = k.run_id
                        WHERE k.pipeline_id = :pipeline_id AND k.run_key = :run_key""")
                .bind("pipeline_id", pipelineId)
                .bind("run_key", key)
                .map(Rows.RUN)
                .findOne());
    }

    @Override
    public List<RunRecord> runsBetween(String pipelineId, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM runs WHERE pipeline_id = :pipeline_id
                          AND logical_time >= :from AND logical_time < :to
                        ORDER BY logical_time, run_id""")
                .bind("pipeline_id", pipelineId)
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .map(Rows.RUN)
                .list());
    }

    @Override
    public List<RunRecord> timedRuns(String pipelineId, Instant from, Instant to) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM runs WHERE pipeline_id = :pipeline_id
                          AND trigger_type IN ('schedule', 'backfill')
                          AND logical_time >= :from AND logical_time <= :to
                        ORDER BY logical_time, run_id""")
                .bind("pipeline_id", pipelineId)
                .bind("from", from.toEpochMilli())
                .bind("to", to.toEpochMilli())
                .map(Rows.RUN)
                .list());
    }

    /**
     * {@link #backfilledTimes} for many pipelines, with one query per few hundred of them: what a cron fire of
     * many pipelines asks.
     *
     * @return per pipeline that has any, its backfilled logical times in {@code [from, to]}
     */
    @Override
    public Map<String, Set<Instant>> backfilledTimes(Collection<String> pipelineIds, Instant from, Instant to) {
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
                        .map((rs, ctx) -> Map.entry(
                                rs.getString("pipeline_id"), Instant.ofEpochMilli(rs.getLong("logical_time"))))
                        .forEach(e -> times.computeIfAbsent(e.getKey(), k -> new HashSet<>())
                                .add(e.getValue()));
            }
        });
        return times;
    }

    /** The run's repairs, oldest first. */
    @Override
    public List<RepairRecord> repairs(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM run_repairs WHERE run_id = :id ORDER BY repair_number")
                .bind("id", runId)
                .map(Rows.REPAIR)
                .list());
    }

    /** The state of the pipeline's newest finished run before {@code runId}, if any. */
    @Override
    public Optional<RunState> previousFinishedState(String pipelineId, String runId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT state FROM runs WHERE pipeline_id = :pipeline_id AND run_id < :run_id
                          AND state IN ('SUCCEEDED', 'FAILED')
                        ORDER BY run_id DESC LIMIT 1""")
                .bind("pipeline_id", pipelineId)
                .bind("run_id", runId)
                .mapTo(String.class)
                .findOne()
                .map(RunState::valueOf));
    }

    @Override
    public List<RunState> previousFinishedStates(String pipelineId, String runId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT state FROM runs WHERE pipeline_id = :pipeline_id AND run_id < :run_id
                          AND state IN ('SUCCEEDED', 'FAILED')
                        ORDER BY run_id DESC LIMIT :limit""")
                .bind("pipeline_id", pipelineId)
                .bind("run_id", runId)
                .bind("limit", limit)
                .mapTo(String.class)
                .map(RunState::valueOf)
                .list());
    }

    @Override
    public List<String> previousSuccessfulMetrics(String pipelineId, String taskId, String runId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT a.spark_metrics FROM runs r JOIN task_attempts a ON a.run_id = r.run_id
                        WHERE r.pipeline_id = :pipeline_id AND r.run_id < :run_id AND a.task_id = :task_id
                          AND a.state = 'SUCCEEDED' AND a.spark_metrics IS NOT NULL
                        ORDER BY r.run_id DESC LIMIT :limit""")
                .bind("pipeline_id", pipelineId)
                .bind("run_id", runId)
                .bind("task_id", taskId)
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
    }

    @Override
    public Optional<RunRecord> findRun(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM runs WHERE run_id = :id")
                .bind("id", runId)
                .map(Rows.RUN)
                .findOne());
    }

    /** A page of runs newest first, keyset-paged: {@code before} is the last run id of the previous page. */
    @Override
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
    @Override
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
                        .append(
                                "SELECT * FROM (SELECT * FROM runs WHERE pipeline_id = ? ORDER BY run_id DESC LIMIT ?) r")
                        .append(i);
            }
            jdbi.useHandle(h -> {
                Query q = h.configure(SqlStatements.class, s -> s.setSqlParser(PositionalSql.INSTANCE))
                        .createQuery(sql.toString());
                for (int i = 0; i < chunk.size(); i++) {
                    q.bind(2 * i, chunk.get(i)).bind(2 * i + 1, perPipeline);
                }
                q.map(Rows.RUN).forEach(r -> out.get(r.pipelineId()).add(r));
            });
        }
        // UNION ALL promises no order: each list newest first
        out.values()
                .forEach(
                        list -> list.sort(Comparator.comparing(RunRecord::runId).reversed()));
        return out;
    }

    @Override
    public List<TaskRunRecord> taskRuns(String runId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM task_runs WHERE run_id = :id ORDER BY task_id")
                .bind("id", runId)
                .map(Rows.TASK_RUN)
                .list());
    }

    @Override
    public List<AttemptRecord> attempts(String runId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM task_attempts WHERE run_id = :id ORDER BY task_id, attempt_number")
                        .bind("id", runId)
                        .map(Rows.ATTEMPT)
                        .list());
    }

    /** One {@code IN} read per chunk of runs on an index that begins with {@code run_id}, not one read per run. */
    @Override
    public List<TaskRunRecord> taskRuns(Collection<String> runIds) {
        return inChunks(
                runIds, "SELECT * FROM task_runs WHERE run_id IN (<ids>) ORDER BY run_id, task_id", Rows.TASK_RUN);
    }

    @Override
    public List<AttemptRecord> attempts(Collection<String> runIds) {
        return inChunks(
                runIds,
                "SELECT * FROM task_attempts WHERE run_id IN (<ids>) ORDER BY run_id, task_id, attempt_number",
                Rows.ATTEMPT);
    }

    private <T> List<T> inChunks(Collection<String> runIds, String sql, org.jdbi.v3.core.mapper.RowMapper<T> rows) {
        List<String> ids = runIds.stream().sorted().distinct().toList();
        List<T> out = new ArrayList<>();
        int chunk = 200;
        for (int from = 0; from < ids.size(); from += chunk) {
            List<String> part = ids.subList(from, Math.min(ids.size(), from + chunk));
            out.addAll(jdbi.withHandle(
                    h -> h.createQuery(sql).bindList("ids", part).map(rows).list()));
        }
        return out;
    }

    @Override
    public List<AttemptRecord> attemptsInState(TaskState state) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM task_attempts WHERE state = :state")
                .bind("state", state.name())
                .map(Rows.ATTEMPT)
                .list());
    }

    @Override
    public Map<String, String> remoteIdsOfRun(String runId) {
        return new RemoteIdDao(jdbi).byRun(runId);
    }
}
