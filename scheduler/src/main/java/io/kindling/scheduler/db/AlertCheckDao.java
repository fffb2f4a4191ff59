package io.kindling.scheduler.db;

import io.kindling.scheduler.model.RunIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * What the periodic alert checks read and write (docs/alerts.md#deadlines-and-baselines): deadline watermarks, the
 * runs of scheduled times, the runs and tasks running now, baselines of recent successful runs, and alerts raised at
 * most once per key. Each read is one set-based statement for all pipelines (chunked by {@value #CHUNK} ids).
 */
public final class AlertCheckDao {
    private static final int CHUNK = 500;

    /** A run of a scheduled time, as a deadline sees it. */
    public record TimedRun(
            String pipelineId,
            Instant logicalTime,
            String runId,
            String state,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt) {}

    /** A run going now, or one of its tasks ({@code taskId} present). */
    public record Running(String pipelineId, String runId, Optional<String> taskId, Instant startedAt) {}

    /**
     * The p95 duration of a pipeline's ({@code taskId} empty) or task's recent successful runs.
     *
     * @param runs how many successful runs it is taken over
     */
    public record Baseline(String pipelineId, String taskId, int runs, Duration p95) {}

    /**
     * A pipeline's {@code deadline_checks} row: scheduled times from {@code since} on, checked up to a time; and
     * whether the pipeline is paused now ({@code pipeline_schedules}).
     */
    public record Watermark(Instant since, Instant checkedUntil, boolean paused) {}

    /**
     * The baselines of the pipelines {@code <pipelines>} lists (a query of {@code pipeline_id}s): the newest
     * {@code :offset + 1} successful runs of each created since {@code :first}, and their successful task runs.
     */
    private static final String BASELINES = """
            WITH bounds AS (
                SELECT p.pipeline_id, COALESCE((
                    SELECT r.run_id FROM runs r
                    WHERE r.pipeline_id = p.pipeline_id AND r.state = 'SUCCEEDED'
                      AND r.run_id >= :first
                    ORDER BY r.run_id DESC LIMIT 1 OFFSET :offset), :first) AS first_id
                FROM (<pipelines>) p
            ), recent AS (
                SELECT r.run_id, r.pipeline_id, r.ended_at - r.started_at AS millis
                FROM bounds b CROSS JOIN runs r
                WHERE r.pipeline_id = b.pipeline_id AND r.state = 'SUCCEEDED'
                  AND r.run_id >= b.first_id
                  AND r.started_at IS NOT NULL AND r.ended_at IS NOT NULL
            ), durations AS (
                SELECT pipeline_id, '' AS task_id, millis FROM recent
                UNION ALL
                SELECT r.pipeline_id, t.task_id, t.ended_at - t.started_at
                FROM recent r JOIN task_runs t ON t.run_id = r.run_id
                WHERE t.state = 'SUCCEEDED' AND t.started_at IS NOT NULL
                  AND t.ended_at IS NOT NULL
            ), ranked AS (
                SELECT pipeline_id, task_id, millis,
                       ROW_NUMBER() OVER (PARTITION BY pipeline_id, task_id ORDER BY millis)
                           AS position,
                       COUNT(*) OVER (PARTITION BY pipeline_id, task_id) AS runs
                FROM durations
            )
            SELECT pipeline_id, task_id, runs, millis FROM ranked
            WHERE position = (runs * 95 + 99) / 100""";

    /** The pipelines of {@code <ids>} that have a run going now. */
    private static final String RUNNING_PIPELINES =
            "SELECT DISTINCT pipeline_id FROM runs WHERE state = 'RUNNING' AND pipeline_id IN (<ids>)";

    private final Jdbi jdbi;
    /** Time spent in this DAO's statements (reading their rows included), for the bench and the round's log line. */
    private final java.util.concurrent.atomic.LongAdder nanos = new java.util.concurrent.atomic.LongAdder();

    public AlertCheckDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The database time spent in this DAO so far: a round's is the difference before and after it. */
    public Duration databaseTime() {
        return Duration.ofNanos(nanos.sum());
    }

    private <T> T timed(java.util.function.Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            nanos.add(System.nanoTime() - start);
        }
    }

    /**
     * How far each pipeline's deadlines have been checked; a pipeline without a row gets one at {@code now} (a
     * deadline new to the database starts from now, it does not judge the past). One read, one insert when needed.
     */
    public Map<String, Watermark> watermarks(Collection<String> pipelineIds, Instant now) {
        return timed(() -> {
            Map<String, Watermark> found = jdbi.withHandle(h -> selectWatermarks(h, pipelineIds));
            if (found.size() == pipelineIds.size()) {
                return found;
            }
            return jdbi.inTransaction(h -> {
                PreparedBatch batch = h.prepareBatch("""
                        INSERT INTO deadline_checks (pipeline_id, since, checked_until) VALUES (:id, :at, :at)
                        ON CONFLICT DO NOTHING""");
                List<String> missing = new ArrayList<>();
                for (String id : pipelineIds) {
                    if (!found.containsKey(id)) {
                        missing.add(id);
                        batch.bind("id", id).bind("at", now.toEpochMilli()).add();
                    }
                }
                batch.execute();
                Map<String, Watermark> all = new HashMap<>(found);
                all.putAll(selectWatermarks(h, missing));
                return all;
            });
        });
    }

    private static Map<String, Watermark> selectWatermarks(Handle h, Collection<String> pipelineIds) {
        Map<String, Watermark> out = new HashMap<>();
        for (List<String> ids : chunks(pipelineIds)) {
            h.createQuery("""
                            SELECT d.pipeline_id, d.since, d.checked_until, s.paused
                            FROM deadline_checks d LEFT JOIN pipeline_schedules s ON s.pipeline_id = d.pipeline_id
                            WHERE d.pipeline_id IN (<ids>)""")
                    .bindList("ids", ids)
                    .map((rs, ctx) -> Map.entry(
                            rs.getString(1),
                            new Watermark(
                                    Instant.ofEpochMilli(rs.getLong(2)),
                                    Instant.ofEpochMilli(rs.getLong(3)),
                                    rs.getBoolean(4))))
                    .forEach(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** Moves the watermarks of these pipelines to {@code to}; never back. One statement per chunk. */
    public void advance(Collection<String> pipelineIds, Instant to) {
        timed(() -> {
            jdbi.useTransaction(h -> {
                for (List<String> ids : chunks(pipelineIds)) {
                    h.createUpdate("""
                                    UPDATE deadline_checks SET checked_until = :to
                                    WHERE checked_until < :to AND pipeline_id IN (<ids>)""")
                            .bind("to", to.toEpochMilli())
                            .bindList("ids", ids)
                            .execute();
                }
            });
            return null;
        });
    }

    /**
     * The runs, whatever made them, of these pipelines at these logical times: index probes on
     * {@code runs_by_pipeline_time} for each pipeline and time when the times are few (a shared cron: a handful),
     * else a range per pipeline from the first time to the last.
     */
    public List<TimedRun> runsAt(Collection<String> pipelineIds, Collection<Instant> times) {
        return timed(() -> {
            List<TimedRun> out = new ArrayList<>();
            List<Long> millis =
                    times.stream().map(Instant::toEpochMilli).sorted().toList();
            boolean few = millis.size() <= 64;
            jdbi.useHandle(h -> {
                for (List<String> ids : chunks(pipelineIds)) {
                    var query = h.createQuery(few ? """
                                    SELECT pipeline_id, logical_time, run_id, state, started_at, ended_at FROM runs
                                    WHERE pipeline_id IN (<ids>) AND logical_time IN (<times>)""" : """
                                    SELECT pipeline_id, logical_time, run_id, state, started_at, ended_at FROM runs
                                    WHERE pipeline_id IN (<ids>) AND logical_time >= :from AND logical_time <= :to""").bindList("ids", ids);
                    if (few) {
                        query.bindList("times", millis);
                    } else {
                        query.bind("from", millis.get(0)).bind("to", millis.get(millis.size() - 1));
                    }
                    query.map((rs, ctx) -> new TimedRun(
                                    rs.getString("pipeline_id"),
                                    Instant.ofEpochMilli(rs.getLong("logical_time")),
                                    rs.getString("run_id"),
                                    rs.getString("state"),
                                    instant(rs.getObject("started_at")),
                                    instant(rs.getObject("ended_at"))))
                            .forEach(out::add);
                }
            });
            return out;
        });
    }

    /**
     * Every run in state RUNNING, and each of its tasks in state RUNNING (after their run): one read on
     * {@code runs_by_state}, tasks by their primary key.
     */
    public List<Running> running() {
        return timed(() -> {
            List<Running> out = new ArrayList<>();
            java.util.Set<String> runs = new java.util.HashSet<>();
            jdbi.useHandle(h -> h.createQuery("""
                            SELECT r.pipeline_id, r.run_id, r.started_at, t.task_id, t.started_at AS task_started_at
                            FROM runs r LEFT JOIN task_runs t ON t.run_id = r.run_id AND t.state = 'RUNNING'
                            WHERE r.state = 'RUNNING' AND r.started_at IS NOT NULL""")
                    .map((rs, ctx) -> {
                        String pipeline = rs.getString("pipeline_id");
                        String run = rs.getString("run_id");
                        if (runs.add(run)) {
                            out.add(new Running(
                                    pipeline, run, Optional.empty(), Instant.ofEpochMilli(rs.getLong("started_at"))));
                        }
                        String task = rs.getString("task_id");
                        instant(rs.getObject("task_started_at"))
                                .filter(started -> task != null)
                                .ifPresent(started -> out.add(new Running(pipeline, run, Optional.of(task), started)));
                        return run;
                    })
                    .forEach(run -> {}));
            return out;
        });
    }

    /**
     * The p95 duration of the newest {@code perPipeline} successful runs of each of these pipelines that has a run
     * going now, among runs created since {@code since}, and of each task's successful task runs in those runs: one statement. The newest runs are found
     * from an index seek per pipeline ({@code runs_by_pipeline_state}: the {@code perPipeline}-th newest success),
     * so the cost grows with the pipelines asked about, not with the history. ({@code CROSS JOIN} makes SQLite read
     * the bounds first and the runs by index from them, rather than every successful run; PostgreSQL plans it as the
     * inner join it is.)
     */
    public List<Baseline> baselines(Collection<String> pipelineIds, int perPipeline, Instant since) {
        return timed(() -> {
            List<Baseline> out = new ArrayList<>();
            String first = RunIds.firstIdAt(since);
            jdbi.useHandle(h -> {
                for (List<String> ids : chunks(pipelineIds)) {
                    h.createQuery(BASELINES.replace("<pipelines>", RUNNING_PIPELINES))
                            .bindList("ids", ids)
                            .bind("first", first)
                            .bind("offset", perPipeline - 1)
                            .map((rs, ctx) -> new Baseline(
                                    rs.getString("pipeline_id"),
                                    rs.getString("task_id"),
                                    rs.getInt("runs"),
                                    Duration.ofMillis(rs.getLong("millis"))))
                            .forEach(out::add);
                }
            });
            return out;
        });
    }

    /** The baselines of one pipeline, whether or not it has a run going (what the dashboard draws). */
    public List<Baseline> baselinesOf(String pipelineId, int perPipeline, Instant since) {
        return timed(() -> {
            return jdbi.withHandle(h -> h.createQuery(
                            BASELINES.replace("<pipelines>", "SELECT CAST(:id AS VARCHAR(64)) AS pipeline_id"))
                    .bind("id", pipelineId)
                    .bind("first", RunIds.firstIdAt(since))
                    .bind("offset", perPipeline - 1)
                    .map((rs, ctx) -> new Baseline(
                            rs.getString("pipeline_id"),
                            rs.getString("task_id"),
                            rs.getInt("runs"),
                            Duration.ofMillis(rs.getLong("millis"))))
                    .list());
        });
    }

    /**
     * Raises an alert once: writes the mark {@code key} of the pipeline and, only if no daemon wrote it before, the
     * event's deliveries, in one transaction. Two daemons raising the same key write one mark and one set of
     * deliveries (the second insert conflicts on the primary key and writes nothing).
     *
     * @return whether this call raised it
     */
    public boolean raiseOnce(
            String pipelineId, String key, String eventId, List<AlertDelivery> deliveries, Instant now) {
        return timed(() -> {
            return jdbi.inTransaction(h -> {
                int marked = h.createUpdate("""
                                INSERT INTO alert_marks (pipeline_id, alert_key, event_id, created_at)
                                VALUES (:pipeline, :key, :event, :at) ON CONFLICT DO NOTHING""")
                        .bind("pipeline", pipelineId)
                        .bind("key", key)
                        .bind("event", eventId)
                        .bind("at", now.toEpochMilli())
                        .execute();
                if (marked == 1) {
                    AlertDeliveryDao.insert(h, deliveries);
                }
                return marked == 1;
            });
        });
    }

    /** A deadline alert raised: {@code alert} is {@code run_late} or {@code run_start_late}. */
    public record DeadlineMark(String pipelineId, String alert, Instant logicalTime, Instant raisedAt) {}

    /** The deadline alerts raised since {@code since}, newest first (a scan of the few marks of that time). */
    public List<DeadlineMark> deadlineMarks(Instant since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT pipeline_id, alert_key, created_at FROM alert_marks
                        WHERE created_at >= :since
                          AND (alert_key LIKE 'run_late:%' OR alert_key LIKE 'run_start_late:%')
                        ORDER BY created_at DESC""")
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> {
                    String key = rs.getString("alert_key");
                    int colon = key.indexOf(':');
                    return new DeadlineMark(
                            rs.getString("pipeline_id"),
                            key.substring(0, colon),
                            Instant.ofEpochMilli(Long.parseLong(key.substring(colon + 1))),
                            Instant.ofEpochMilli(rs.getLong("created_at")));
                })
                .list());
    }

    /** Which of these keys are raised already, as {@code pipeline + "/" + key}: one read on the primary key. */
    public java.util.Set<String> raised(Collection<String> pipelineIds, Collection<String> keys) {
        return timed(() -> {
            java.util.Set<String> out = new java.util.HashSet<>();
            if (keys.isEmpty()) {
                return out;
            }
            jdbi.useHandle(h -> {
                for (List<String> chunk : chunks(keys)) {
                    h.createQuery("""
                                    SELECT pipeline_id, alert_key FROM alert_marks
                                    WHERE pipeline_id IN (<pipelines>) AND alert_key IN (<keys>)""")
                            .bindList("pipelines", List.copyOf(new java.util.HashSet<>(pipelineIds)))
                            .bindList("keys", chunk)
                            .map((rs, ctx) -> rs.getString(1) + "/" + rs.getString(2))
                            .forEach(out::add);
                }
            });
            return out;
        });
    }

    private static Optional<Instant> instant(Object millis) {
        return millis == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(((Number) millis).longValue()));
    }

    private static List<List<String>> chunks(Collection<String> ids) {
        List<String> all = List.copyOf(ids);
        List<List<String>> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            out.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
        }
        return out;
    }
}
