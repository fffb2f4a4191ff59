package io.kindling.scheduler.support;

import io.kindling.scheduler.model.RunIds;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * A large finished run history written straight into a database, for the run-history benchmark test and the
 * benchmarks module (figure 7): one run a minute from {@code t0}, five pipelines in turn, mostly scheduled and
 * succeeded; every 10th manual, every 10th (+1) a backfill; every 100th (+7) failed (all of them runs of "events").
 */
public final class SyntheticHistory {
    public static final List<String> PIPELINES = List.of("orders", "people", "events", "billing", "nightly");
    private static final int CHUNK = 20_000;

    private SyntheticHistory() {}

    /** Writes {@code runs} runs and returns the id of the middle one (for a page deep in the history). */
    public static String load(Jdbi jdbi, int runs, Instant t0) {
        return append(jdbi, 0, runs, t0);
    }

    /**
     * Writes runs {@code first} (inclusive) to {@code runs} (exclusive) of the same history, so that a history can be
     * grown in steps; the id of run {@code runs / 2} when this call wrote it, else null.
     */
    public static String append(Jdbi jdbi, int first, int runs, Instant t0) {
        MutableClock clock = new MutableClock(t0);
        RunIds ids = new RunIds(clock);
        String[] middle = new String[1];
        for (int start = first; start < runs; start += CHUNK) {
            int from = start;
            int to = Math.min(runs, start + CHUNK);
            jdbi.useTransaction(h -> {
                PreparedBatch batch = h.prepareBatch("""
                        INSERT INTO runs (run_id, pipeline_id, content_hash, trigger_type, logical_time, params,
                                          state, created_at, started_at, ended_at)
                        VALUES (?, ?, 'hash', ?, ?, '{}', ?, ?, ?, ?)""");
                for (int i = from; i < to; i++) {
                    Instant created = t0.plusSeconds(60L * i);
                    clock.set(created);
                    String runId = ids.next();
                    if (i == runs / 2) {
                        middle[0] = runId;
                    }
                    String trigger = i % 10 == 0 ? "manual" : i % 10 == 1 ? "backfill" : "schedule";
                    long millis = created.toEpochMilli();
                    batch.add(
                            runId,
                            PIPELINES.get(i % PIPELINES.size()),
                            trigger,
                            millis,
                            i % 100 == 7 ? "FAILED" : "SUCCEEDED",
                            millis,
                            millis,
                            millis + 1000 + i % 5000);
                }
                batch.execute();
            });
        }
        return middle[0];
    }

    /**
     * The run-list queries (pages of 50) of each filter the dashboard offers, by label: first pages, pages from
     * {@code middleRunId} on (deep in the history), and the day from {@code day}.
     */
    public static Map<String, String> pageQueries(String middleRunId, Instant day) {
        String deep = "before=" + middleRunId;
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("newest", "limit=50");
        queries.put("deep page", "limit=50&" + deep);
        queries.put("pipeline", "pipeline=billing&limit=50");
        queries.put("pipeline, deep", "pipeline=billing&limit=50&" + deep);
        queries.put("pipeline + state FAILED", "pipeline=events&state=FAILED&limit=50");
        queries.put("state FAILED, deep", "state=FAILED&limit=50&" + deep);
        queries.put("trigger manual", "trigger=manual&limit=50");
        queries.put("trigger backfill, deep", "trigger=backfill&limit=50&" + deep);
        queries.put("one day", "from=" + day + "&to=" + day.plus(Duration.ofDays(1)) + "&limit=50");
        return queries;
    }
}
