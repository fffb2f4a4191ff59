package io.kindling.scheduler.support;

import io.kindling.scheduler.model.RunIds;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * Successful runs of a one-task pipeline written straight into a daemon's database, for the learned-baseline tests:
 * one an hour before {@code now}, each 6 to 10 s long (their p95 is 10 s), their task {@code wait} as long.
 */
public final class DurationHistory {
    private DurationHistory() {}

    public static void write(String databaseUrl, String pipeline, int runs, Instant now) {
        Jdbi jdbi = Jdbi.create(databaseUrl);
        MutableClock then = new MutableClock(now);
        RunIds ids = new RunIds(then);
        jdbi.useTransaction(h -> {
            for (int i = runs; i >= 1; i--) {
                Instant start = now.minus(Duration.ofHours(i));
                then.set(start);
                String runId = ids.next();
                long took = 6_000 + (i % 5) * 1_000;
                h.execute(
                        """
                        INSERT INTO runs (run_id, pipeline_id, content_hash, trigger_type, logical_time, params, state,
                                          created_at, started_at, ended_at)
                        VALUES (?, ?, 'hash', 'manual', ?, '{}', 'SUCCEEDED', ?, ?, ?)""",
                        runId,
                        pipeline,
                        start.toEpochMilli(),
                        start.toEpochMilli(),
                        start.toEpochMilli(),
                        start.toEpochMilli() + took);
                h.execute("""
                        INSERT INTO task_runs (run_id, task_id, state, attempts, started_at, ended_at)
                        VALUES (?, 'wait', 'SUCCEEDED', 1, ?, ?)""", runId, start.toEpochMilli(), start.toEpochMilli() + took);
            }
        });
    }
}
