package io.kindling.bench;

import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunStore;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Figure 5: the history one run of one task leaves (run inserted with its task, run RUNNING, attempt started, attempt
 * SUCCEEDED, run SUCCEEDED: five transactions, as the engine writes them) through the real {@link JdbiRunStore}, against
 * the same rows written by a plain sqlite-jdbc loop (one connection, prepared statements, the same five
 * transactions, the same pragmas), each on a fresh file with the same Flyway schema.
 */
final class HistoryWrites {
    private HistoryWrites() {}

    static List<Metric> measure(Path dir, int runs) throws SQLException {
        double real = realRunsPerSecond(dir, runs);
        double raw = rawRunsPerSecond(dir, runs);
        // a second round of each, in the other order, so neither gains from going second
        double raw2 = rawRunsPerSecond(dir, runs);
        double real2 = realRunsPerSecond(dir, runs);
        double realBest = Math.max(real, real2);
        double rawBest = Math.max(raw, raw2);
        String how = runs + " one-task runs, 5 transactions each, SQLite WAL; best of 2 rounds each";
        return List.of(
                Metric.of("5 history writes, run-history code", realBest, "runs/s", how),
                Metric.of("5 history writes, raw sqlite-jdbc loop", rawBest, "runs/s", how),
                Metric.atLeast(
                        "5 history writes, code / raw",
                        100 * realBest / rawBest,
                        "%",
                        50,
                        "the run-history code fences each write by its owner (an UPDATE the raw loop does not do)"));
    }

    private static Database open(Path dir, String name) {
        DatabaseConfig config = new DatabaseConfig();
        config.setUrl(EngineHarness.sqliteUrl(dir, name));
        return Database.open(config);
    }

    private static int round;

    private static double realRunsPerSecond(Path dir, int runs) {
        Database database = open(dir, "history-real-" + round++);
        try {
            RunStore dao = new JdbiRunStore(database.jdbi(), "bench");
            RunIds ids = new RunIds(Clock.systemUTC());
            writeReal(dao, ids, Math.max(50, runs / 5)); // warm-up
            long start = System.nanoTime();
            writeReal(dao, ids, runs);
            return runs / ((System.nanoTime() - start) / 1e9);
        } finally {
            database.stop();
        }
    }

    private static void writeReal(RunStore dao, RunIds ids, int runs) {
        for (int i = 0; i < runs; i++) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            String runId = ids.next();
            dao.insertRun(
                    new RunRecord(
                            runId,
                            "history",
                            "hash",
                            Optional.empty(),
                            TriggerType.MANUAL,
                            now,
                            Map.of(),
                            RunState.QUEUED,
                            now,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty()),
                    List.of("only"));
            dao.updateRunState(runId, RunState.RUNNING, Optional.of(now), Optional.empty(), Optional.empty());
            String attemptId = runId + ".only.1";
            dao.startAttempt(new AttemptRecord(
                    attemptId,
                    runId,
                    "only",
                    1,
                    "noop",
                    TaskState.RUNNING,
                    Optional.empty(),
                    now,
                    Optional.of(now),
                    Optional.empty(),
                    Optional.empty(),
                    "logs/only.1.log",
                    0,
                    Optional.of("SELECT 1")));
            dao.finishAttempt(
                    attemptId,
                    runId,
                    "only",
                    TaskState.SUCCEEDED,
                    TaskState.SUCCEEDED,
                    now,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
            dao.updateRunState(runId, RunState.SUCCEEDED, Optional.empty(), Optional.of(now), Optional.empty());
        }
    }

    private static double rawRunsPerSecond(Path dir, int runs) throws SQLException {
        String url = EngineHarness.sqliteUrl(dir, "history-raw-" + round++);
        open(dir, "history-raw-" + (round - 1)).stop(); // the same schema, by the same migrations
        Properties props = new Properties();
        props.setProperty("journal_mode", "WAL");
        props.setProperty("synchronous", "NORMAL");
        props.setProperty("busy_timeout", "30000");
        props.setProperty("transaction_mode", "IMMEDIATE");
        try (Connection c = DriverManager.getConnection(url, props)) {
            c.setAutoCommit(false);
            RunIds ids = new RunIds(Clock.systemUTC());
            RawWriter w = new RawWriter(c);
            w.write(ids, Math.max(50, runs / 5));
            long start = System.nanoTime();
            w.write(ids, runs);
            return runs / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** The rows JdbiRunStore writes, by hand. */
    private static final class RawWriter {
        private final Connection c;
        private final PreparedStatement insertRun;
        private final PreparedStatement insertTask;
        private final PreparedStatement runState;
        private final PreparedStatement insertAttempt;
        private final PreparedStatement taskRunning;
        private final PreparedStatement endAttempt;
        private final PreparedStatement taskEnded;

        RawWriter(Connection c) throws SQLException {
            this.c = c;
            insertRun = c.prepareStatement("""
                    INSERT INTO runs (run_id, pipeline_id, content_hash, git_commit, trigger_type, logical_time,
                                      params, state, created_at, started_at, ended_at, error, backfill_id, owner)
                    VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?) ON CONFLICT DO NOTHING""");
            insertTask =
                    c.prepareStatement("INSERT INTO task_runs (run_id, task_id, state, attempts) VALUES (?, ?, ?, 0)");
            runState = c.prepareStatement("""
                    UPDATE runs SET state = ?, started_at = COALESCE(?, started_at), ended_at = ?, error = NULL
                    WHERE run_id = ?""");
            insertAttempt = c.prepareStatement("""
                    INSERT INTO task_attempts (attempt_id, run_id, task_id, attempt_number, executor, state,
                                               spark_app_id, queued_at, started_at, ended_at, error, log_path,
                                               repair_number, rendered, daemon_id)
                    VALUES (?, ?, ?, 1, 'noop', 'RUNNING', NULL, ?, ?, NULL, NULL, 'logs/only.1.log', 0, 'SELECT 1',
                            'bench')""");
            taskRunning = c.prepareStatement("""
                    UPDATE task_runs SET state = 'RUNNING', attempts = 1, started_at = COALESCE(started_at, ?),
                           next_attempt_at = NULL
                    WHERE run_id = ? AND task_id = ?""");
            endAttempt = c.prepareStatement("""
                    UPDATE task_attempts SET state = 'SUCCEEDED', ended_at = ?, error = NULL,
                           spark_app_id = COALESCE(NULL, spark_app_id)
                    WHERE attempt_id = ?""");
            taskEnded = c.prepareStatement("""
                    UPDATE task_runs SET state = 'SUCCEEDED', ended_at = ?, error = NULL, next_attempt_at = NULL
                    WHERE run_id = ? AND task_id = ?""");
        }

        void write(RunIds ids, int runs) throws SQLException {
            for (int i = 0; i < runs; i++) {
                long now = Instant.now().toEpochMilli();
                String runId = ids.next();
                insertRun.setString(1, runId);
                insertRun.setString(2, "history");
                insertRun.setString(3, "hash");
                insertRun.setString(4, "manual");
                insertRun.setLong(5, now);
                insertRun.setString(6, "{}");
                insertRun.setString(7, "QUEUED");
                insertRun.setLong(8, now);
                insertRun.setString(9, "bench");
                insertRun.executeUpdate();
                insertTask.setString(1, runId);
                insertTask.setString(2, "only");
                insertTask.setString(3, "QUEUED");
                insertTask.executeUpdate();
                c.commit();
                state(runId, "RUNNING", now, null);
                String attemptId = runId + ".only.1";
                insertAttempt.setString(1, attemptId);
                insertAttempt.setString(2, runId);
                insertAttempt.setString(3, "only");
                insertAttempt.setLong(4, now);
                insertAttempt.setLong(5, now);
                insertAttempt.executeUpdate();
                taskRunning.setLong(1, now);
                taskRunning.setString(2, runId);
                taskRunning.setString(3, "only");
                taskRunning.executeUpdate();
                c.commit();
                endAttempt.setLong(1, now);
                endAttempt.setString(2, attemptId);
                endAttempt.executeUpdate();
                taskEnded.setLong(1, now);
                taskEnded.setString(2, runId);
                taskEnded.setString(3, "only");
                taskEnded.executeUpdate();
                c.commit();
                state(runId, "SUCCEEDED", null, now);
            }
        }

        private void state(String runId, String state, Long startedAt, Long endedAt) throws SQLException {
            runState.setString(1, state);
            runState.setObject(2, startedAt);
            runState.setObject(3, endedAt);
            runState.setString(4, runId);
            runState.executeUpdate();
            c.commit();
        }
    }
}
