package io.kindling.scheduler.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How large the run history's database and the attempt log folder are, measured now and then on a thread of their
 * own (walking a log folder of many files is not for a metrics scrape) and read as gauges: NaN until measured.
 */
public final class HistorySizes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistorySizes.class);
    private static final String SQLITE = "jdbc:sqlite:";

    private final Database database;
    private final Path logDir;
    private volatile double databaseBytes = Double.NaN;
    private volatile double logBytes = Double.NaN;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "history-sizes");
        t.setDaemon(true);
        return t;
    });

    public HistorySizes(Database database, Path logDir) {
        this.database = database;
        this.logDir = logDir;
    }

    /** Measures now (on its thread) and then every {@code period}. */
    public void measureEvery(Duration period) {
        worker.scheduleWithFixedDelay(this::measureQuietly, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void measureQuietly() {
        try {
            measure();
        } catch (RuntimeException e) {
            LOG.warn("History sizes not measured this time: {}", e.toString());
        }
    }

    /** Measures both sizes now, on the caller's thread. */
    public void measure() {
        databaseBytes = databaseSize();
        logBytes = folderSize(logDir);
    }

    public double databaseBytes() {
        return databaseBytes;
    }

    public double logBytes() {
        return logBytes;
    }

    private double databaseSize() {
        String url = database.dataSource() instanceof com.zaxxer.hikari.HikariDataSource h ? h.getJdbcUrl() : "";
        if (url.startsWith(SQLITE)) {
            String file = url.substring(SQLITE.length()).replaceAll("\\?.*", "");
            return fileSize(Path.of(file)) + fileSize(Path.of(file + "-wal"));
        }
        // the tables and indexes of the schema the history lives in
        return database.jdbi()
                .withHandle(h -> h.createQuery("""
                        SELECT COALESCE(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
                        JOIN pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = current_schema() AND c.relkind = 'r'""").mapTo(Long.class).one());
    }

    private static double fileSize(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double folderSize(Path folder) {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) { // deleted while walked
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot measure " + folder + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
