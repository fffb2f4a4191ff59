package io.kindling.bench;

import io.kindling.dsl.Alerts;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.alerts.AlertChecks;
import io.kindling.scheduler.alerts.AlertPlanner;
import io.kindling.scheduler.config.AlertingConfig;
import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.db.AlertCheckDao;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunQueries;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.support.MutableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Figure 11: what a round of the alert checks (deadlines and learned baselines) costs with many pipelines and a large
 * history. Two thirds of the pipelines run every 10 minutes with a deadline ({@code after_schedule: 2h, start_within:
 * 5m}, or 3h and 10m), a third daily at midnight with {@code done_by} (at a time of day in the walk); all have
 * {@code duration_anomaly}. The history holds their successful runs (each with its task run, 20 to 40
 * minutes long), one per 10 minutes; a tenth of the pipelines have a run going. The clock walks in steps of the default
 * check interval (30 s) over 20 minutes, so that some rounds find every pipeline's deadlines due at once (all met:
 * what is measured is the check, not the writing of alerts), and each round ({@link AlertChecks#checkNow}) is timed:
 * its SQL and the cron arithmetic around it.
 */
final class AlertCheckFigures {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int CHUNK = 20_000;
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    private AlertCheckFigures() {}

    static List<Metric> checkRound(Path dir, int pipelines, int runsPerPipeline) throws Exception {
        DatabaseConfig config = new DatabaseConfig();
        config.setUrl(EngineHarness.sqliteUrl(dir, "alert-checks"));
        Database database = Database.open(config);
        try {
            long loadStart = System.nanoTime();
            Instant end = load(database, pipelines, runsPerPipeline);
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            List<Pipeline> defined = new ArrayList<>();
            // the daily pipelines' done_by falls in the walk, 10 minutes after its start
            String doneBy = end.plus(Duration.ofMinutes(10))
                    .atZone(java.time.ZoneOffset.UTC)
                    .toLocalTime()
                    .withSecond(0)
                    .withNano(0)
                    .toString();
            for (int p = 0; p < pipelines; p++) {
                defined.add(pipeline(p, doneBy));
            }
            MutableClock clock = new MutableClock(end);
            AlertingConfig alerting = new AlertingConfig();
            AlertPlanner planner = new AlertPlanner(
                    Set.of("ops"),
                    Alerts.NONE,
                    new JdbiRunQueries(database.jdbi()),
                    "http://localhost:8080",
                    Clock.systemUTC());
            AlertChecks checks =
                    new AlertChecks(() -> defined, new AlertCheckDao(database.jdbi()), planner, alerting, clock);
            checks.checkNow(); // the deadlines are first seen here: later rounds judge what falls due after
            for (int warm = 0; warm < 5; warm++) {
                checks.checkNow();
            }
            List<Double> millis = new ArrayList<>();
            List<Double> sql = new ArrayList<>();
            int raised = 0;
            for (int round = 0; round < 40; round++) {
                clock.advance(Duration.ofSeconds(30));
                AlertChecks.Round r = checks.checkNow();
                millis.add(r.took().toNanos() / 1e6);
                sql.add(r.database().toNanos() / 1e6);
                raised += r.late() + r.slow();
            }
            Stats s = new Stats(millis);
            Stats db = new Stats(sql);
            String how = pipelines + " pipelines (two thirds every 10 min with after_schedule, one third daily with"
                    + " done_by " + doneBy + " UTC, which falls in the walk; all with start_within and"
                    + " duration_anomaly), "
                    + (pipelines * runsPerPipeline) + " runs of history with their task runs on SQLite (loaded in "
                    + Math.round(loadSeconds) + " s), " + pipelines / 10 + " runs going; 40 rounds 30 s apart, "
                    + raised + " alerts raised";
            return List.of(
                    Metric.below("11 alert check DB time per round p50", db.median(), "ms", 50, how),
                    Metric.below(
                            "11 alert check DB time per round max",
                            db.max(),
                            "ms",
                            50,
                            "the slowest round's SQL (rows read included): one where every pipeline's deadlines fell due"),
                    Metric.of("11 alert check round p50", s.median(), "ms", "the whole round: SQL, cron, events"),
                    Metric.of(
                            "11 alert check round max",
                            s.max(),
                            "ms",
                            "the slowest whole round (every pipeline's cron arithmetic, cold: 2 rounds in 40)"));
        } finally {
            database.stop();
        }
    }

    /** A third of the pipelines run daily at midnight and must be done by {@code doneBy}; the others every 10 min. */
    private static Pipeline pipeline(int p, String doneBy) {
        String cron = p % 3 == 2 ? "0 0 * * *" : "*/10 * * * *";
        String deadline = switch (p % 3) {
            case 0 -> "{after_schedule: 2h, start_within: 5m}";
            case 1 -> "{after_schedule: 3h, start_within: 10m}";
            default -> "{done_by: \"" + doneBy + "\", zone: UTC, start_within: 10m}";
        };
        ParseResult parsed = PARSER.parse(
                Path.of("p" + p + ".yml"),
                "pipeline: p" + p + "\nschedule: {cron: \"" + cron + "\"}\ndeadline: " + deadline
                        + "\nalerts: {on_failure: [ops], duration_anomaly: {k: 3, min_runs: 10}}\n"
                        + "tasks: [{id: t, sql: SELECT 1}]\n");
        return parsed.pipeline()
                .orElseThrow(() -> new IllegalStateException(parsed.problems().toString()));
    }

    /**
     * Each pipeline's scheduled runs, one per 10 minutes, SUCCEEDED 20 to 40 minutes after their time; the runs of
     * the third time from the end are going for every tenth pipeline (the two after it are there so that their start
     * deadlines, which fall in the walk, are met). Returns 5 s after that third time from the end.
     */
    private static Instant load(Database database, int pipelines, int runsPerPipeline) {
        MutableClock idClock = new MutableClock(T0);
        RunIds ids = new RunIds(idClock);
        int total = pipelines * runsPerPipeline;
        for (int start = 0; start < total; start += CHUNK) {
            int from = start;
            int to = Math.min(total, start + CHUNK);
            database.jdbi().useTransaction(h -> {
                PreparedBatch runs = h.prepareBatch("""
                        INSERT INTO runs (run_id, pipeline_id, content_hash, trigger_type, logical_time, params,
                                          state, created_at, started_at, ended_at)
                        VALUES (?, ?, 'hash', 'schedule', ?, '{}', ?, ?, ?, ?)""");
                PreparedBatch tasks = h.prepareBatch("""
                        INSERT INTO task_runs (run_id, task_id, state, attempts, started_at, ended_at)
                        VALUES (?, 't', ?, 1, ?, ?)""");
                for (int i = from; i < to; i++) {
                    int slot = i / pipelines; // time order: every pipeline's run of a time, then the next time
                    int p = i % pipelines;
                    long time = T0.plus(Duration.ofMinutes(10L * slot)).toEpochMilli();
                    idClock.set(Instant.ofEpochMilli(time));
                    String runId = ids.next();
                    boolean going = slot == runsPerPipeline - 3 && p % 10 == 0;
                    long took = 1_200_000 + (i * 7919L) % 1_200_000;
                    runs.add(
                            runId,
                            "p" + p,
                            time,
                            going ? "RUNNING" : "SUCCEEDED",
                            time,
                            time,
                            going ? null : time + took);
                    tasks.add(runId, going ? "RUNNING" : "SUCCEEDED", time, going ? null : time + took);
                }
                runs.execute();
                tasks.execute();
            });
        }
        return T0.plus(Duration.ofMinutes(10L * (runsPerPipeline - 3))).plusSeconds(5);
    }
}
