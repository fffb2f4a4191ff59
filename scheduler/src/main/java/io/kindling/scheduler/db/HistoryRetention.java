package io.kindling.scheduler.db;

import io.kindling.executor.AttemptRequest;
import io.kindling.scheduler.model.RunIds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code history.retention}: deletes finished runs older than the retention with everything that hangs off them
 * (task runs, attempts and their log files, repairs, run keys, the files that started them, alert deliveries,
 * expired idempotency keys; a files trigger's seen versions stay, so no file fires again), a
 * small batch per transaction so the engine's writes wait at most one batch. A run is deleted only when it was
 * created, ended and is for a logical time all before the cutoff, and nothing still relies on it: it is not one of
 * its pipeline's newest {@code keepSucceeded} successful runs (the duration and volume baselines read those), no
 * unexpired Idempotency-Key answers with it, and no alert about it waits to be delivered. The audit log is kept:
 * it is the security record, not run history. Every daemon may sweep; deleting what another deleted is a no-op.
 */
public final class HistoryRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryRetention.class);
    private static final String TERMINAL = "('SUCCEEDED', 'FAILED', 'CANCELLED')";

    private final Jdbi jdbi;
    private final Path logDir;
    private final Duration retention;
    private final int keepSucceeded;
    private final int batchSize;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "history-retention");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param logDir        attempt log files are deleted only under this folder
     * @param keepSucceeded each pipeline's newest successful runs kept whatever their age
     */
    public HistoryRetention(Jdbi jdbi, Path logDir, Duration retention, int keepSucceeded, int batchSize) {
        this.jdbi = jdbi;
        this.logDir = logDir.toAbsolutePath().normalize();
        this.retention = retention;
        this.keepSucceeded = keepSucceeded;
        this.batchSize = batchSize;
    }

    /** Sweeps every {@code period}, the first time a minute after start (not in the start's rush). */
    public void sweepEvery(Duration period, Clock clock) {
        worker.scheduleWithFixedDelay(
                () -> {
                    try {
                        sweep(clock.instant());
                    } catch (RuntimeException e) { // the database is away: next time
                        LOG.warn("Old runs not deleted this time: {}", e.toString());
                    }
                },
                Math.min(period.toMillis(), 60_000),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** @return how many runs were deleted */
    public int sweep(Instant now) {
        Instant cutoff = now.minus(retention);
        int deleted = 0;
        List<String> pipelines = jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT pipeline_id FROM runs")
                .mapTo(String.class)
                .list());
        for (String pipeline : pipelines) {
            String keepFrom = jdbi.withHandle(h -> h.createQuery("""
                            SELECT run_id FROM runs WHERE pipeline_id = :pipeline AND state = 'SUCCEEDED'
                            ORDER BY run_id DESC LIMIT 1 OFFSET :offset""")
                    .bind("pipeline", pipeline)
                    .bind("offset", keepSucceeded - 1)
                    .mapTo(String.class)
                    .findOne()
                    .orElse("")); // fewer successful runs than kept: none of them goes
            for (int n = batchSize; n == batchSize; ) {
                n = deleteBatch(pipeline, cutoff, now, keepFrom);
                deleted += n;
            }
        }
        int marks = jdbi.withHandle(h -> h.createUpdate("DELETE FROM alert_marks WHERE created_at < :cutoff")
                .bind("cutoff", cutoff.toEpochMilli())
                .execute());
        if (deleted > 0 || marks > 0) {
            LOG.info(
                    "Deleted {} runs and {} alert marks older than {} (history.retention {})",
                    deleted,
                    marks,
                    cutoff,
                    retention);
        }
        return deleted;
    }

    private int deleteBatch(String pipeline, Instant cutoff, Instant now, String keepFrom) {
        List<String> logs = new ArrayList<>();
        int deleted = jdbi.inTransaction(h -> {
            List<String> runs = h.createQuery("SELECT run_id FROM runs r WHERE pipeline_id = :pipeline"
                            + " AND run_id < :first_kept AND created_at < :cutoff AND logical_time < :cutoff"
                            + " AND ended_at < :cutoff AND state IN " + TERMINAL
                            + " AND (state <> 'SUCCEEDED' OR run_id < :keep_from)"
                            + " AND NOT EXISTS (SELECT 1 FROM idempotency_keys k"
                            + "   WHERE k.result_id = r.run_id AND k.expires_at > :now)"
                            + " AND NOT EXISTS (SELECT 1 FROM alert_deliveries d"
                            + "   WHERE d.run_id = r.run_id AND d.state = 'PENDING')"
                            + " ORDER BY run_id LIMIT :limit")
                    .bind("pipeline", pipeline)
                    .bind("first_kept", RunIds.firstIdAt(cutoff))
                    .bind("cutoff", cutoff.toEpochMilli())
                    .bind("keep_from", keepFrom)
                    .bind("now", now.toEpochMilli())
                    .bind("limit", batchSize)
                    .mapTo(String.class)
                    .list();
            if (runs.isEmpty()) {
                return 0;
            }
            logs.addAll(h.createQuery("SELECT log_path FROM task_attempts WHERE run_id IN (<runs>)")
                    .bindList("runs", runs)
                    .mapTo(String.class)
                    .list());
            delete(
                    h,
                    "DELETE FROM alert_delivery_attempts WHERE delivery_id IN "
                            + "(SELECT delivery_id FROM alert_deliveries WHERE run_id IN (<runs>))",
                    runs);
            delete(h, "DELETE FROM alert_deliveries WHERE run_id IN (<runs>)", runs);
            delete(h, "DELETE FROM task_attempts WHERE run_id IN (<runs>)", runs);
            delete(h, "DELETE FROM task_runs WHERE run_id IN (<runs>)", runs);
            delete(h, "DELETE FROM run_repairs WHERE run_id IN (<runs>)", runs);
            delete(h, "DELETE FROM run_trigger_files WHERE run_id IN (<runs>)", runs);
            delete(h, "DELETE FROM idempotency_keys WHERE result_id IN (<runs>)", runs);
            h.createUpdate("DELETE FROM run_keys WHERE pipeline_id = :pipeline AND run_id IN (<runs>)")
                    .bind("pipeline", pipeline)
                    .bindList("runs", runs)
                    .execute();
            delete(h, "DELETE FROM runs WHERE run_id IN (<runs>)", runs);
            return runs.size();
        });
        logs.forEach(this::deleteLog); // after the commit: a rolled-back batch keeps its logs
        return deleted;
    }

    private static void delete(Handle h, String sql, List<String> runs) {
        h.createUpdate(sql).bindList("runs", runs).execute();
    }

    /** Deletes an attempt's log file and its run's folder once empty; never anything outside {@code logDir}. */
    private void deleteLog(String logPath) {
        Path file = Path.of(logPath).toAbsolutePath().normalize();
        if (!file.startsWith(logDir)) {
            return;
        }
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(AttemptRequest.notebookFile(file)); // a notebook task's executed copy
            Files.deleteIfExists(AttemptRequest.notebookTempFile(file)); // and its next version, left by a kill
            Path folder = file.getParent();
            if (folder != null && !folder.equals(logDir)) {
                try (var left = Files.list(folder)) {
                    if (left.findAny().isEmpty()) {
                        Files.deleteIfExists(folder);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the old attempt log {}: {}", file, e.toString());
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
