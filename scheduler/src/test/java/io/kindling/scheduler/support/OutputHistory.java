package io.kindling.scheduler.support;

import io.kindling.scheduler.model.RunIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * Successful runs of a one-task pipeline written straight into a daemon's database, for the volume tests: one an
 * hour before now, each of whose attempts wrote {@code records} output records (its stored Spark metrics say so).
 */
public final class OutputHistory {
    private OutputHistory() {}

    public static void write(String databaseUrl, String pipeline, String task, int runs, long records) {
        Jdbi jdbi = Jdbi.create(databaseUrl);
        Instant now = Clock.systemUTC().instant();
        MutableClock then = new MutableClock(now);
        RunIds ids = new RunIds(then);
        jdbi.useTransaction(h -> {
            for (int i = runs; i >= 1; i--) {
                Instant start = now.minus(Duration.ofHours(i));
                then.set(start);
                String runId = ids.next();
                long end = start.toEpochMilli() + 1_000;
                h.execute("""
                        INSERT INTO runs (run_id, pipeline_id, content_hash, trigger_type, logical_time, params, state,
                                          created_at, started_at, ended_at)
                        VALUES (?, ?, 'hash', 'manual', ?, '{}', 'SUCCEEDED', ?, ?, ?)""", runId, pipeline, start.toEpochMilli(), start.toEpochMilli(), start.toEpochMilli(), end);
                h.execute("""
                        INSERT INTO task_runs (run_id, task_id, state, attempts, started_at, ended_at)
                        VALUES (?, ?, 'SUCCEEDED', 1, ?, ?)""", runId, task, start.toEpochMilli(), end);
                h.execute(
                        """
                        INSERT INTO task_attempts (attempt_id, run_id, task_id, attempt_number, executor, state,
                                                   queued_at, started_at, ended_at, log_path, spark_metrics)
                        VALUES (?, ?, ?, 1, 'local', 'SUCCEEDED', ?, ?, ?, 'none.log', ?)""",
                        runId + "." + task + ".1",
                        runId,
                        task,
                        start.toEpochMilli(),
                        start.toEpochMilli(),
                        end,
                        "{\"output_records\":" + records + "}");
            }
        });
    }
}
