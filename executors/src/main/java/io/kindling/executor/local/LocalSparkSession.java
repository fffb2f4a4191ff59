package io.kindling.executor.local;

import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListenerInterface;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local executor's warm SparkSession: created by the first attempt that needs it (so the daemon starts
 * fast), then kept. Built with {@code getOrCreate()}, so executors in one JVM share one SparkContext (Spark
 * allows no more); the first one to start it decides the static settings.
 */
final class LocalSparkSession {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSparkSession.class);

    private final ExecutorConfig config;
    private final LocalSparkOptions options;
    private final List<SparkListenerInterface> listeners;
    private volatile SparkSession session;

    LocalSparkSession(ExecutorConfig config, LocalSparkOptions options, List<SparkListenerInterface> listeners) {
        this.config = config;
        this.options = options;
        this.listeners = List.copyOf(listeners);
    }

    /** The session, started now if needed; {@code progress} hears about a start, for the attempt log. */
    synchronized SparkSession get(Consumer<String> progress) {
        SparkSession current = session;
        if (current != null && !current.sparkContext().isStopped()) {
            return current;
        }
        progress.accept("starting Spark (master " + options.master() + ")");
        long started = System.nanoTime();
        SparkSession.Builder builder =
                SparkSession.builder().master(options.master()).appName("kindling");
        settings().forEach(builder::config);
        current = builder.getOrCreate();
        SparkContext context = current.sparkContext();
        if (!context.master().equals(options.master())) {
            LOG.warn(
                    "executor '{}': Spark was already started in this JVM with master {}, not {}; using it",
                    config.name(),
                    context.master(),
                    options.master());
        }
        listeners.forEach(context::addSparkListener);
        session = current;
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.info(
                "executor '{}': Spark session ready in {} ms, application {}, master {}",
                config.name(),
                millis,
                context.applicationId(),
                context.master());
        progress.accept("Spark session ready in " + millis + " ms");
        return current;
    }

    /** The session if it was started and is still usable. */
    Optional<SparkSession> ifStarted() {
        SparkSession current = session;
        return current == null || current.sparkContext().isStopped() ? Optional.empty() : Optional.of(current);
    }

    /** Detaches this executor from Spark, stopping the SparkContext when {@code stopSpark}. */
    synchronized void close(boolean stopSpark) {
        SparkSession current = session;
        session = null;
        if (current == null || current.sparkContext().isStopped()) {
            return;
        }
        listeners.forEach(current.sparkContext()::removeSparkListener);
        if (stopSpark) {
            LOG.info(
                    "executor '{}': stopping Spark application {}",
                    config.name(),
                    current.sparkContext().applicationId());
            current.stop();
        }
    }

    /**
     * Kindling's defaults, then the executor's spark_conf over them (it may turn the Spark UI on), then the SQL
     * guard's settings.
     */
    private Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spark.ui.enabled", "false");
        // Every attempt runs in its own newSession(). With Spark 4's per-session artifact isolation, each session
        // also gets its own class loader on the executor side, and Spark's cache of generated code is kept per
        // class loader: every attempt compiled its whole-stage code again (a third of a small warm attempt, seen
        // in a JFR profile). Kindling adds no per-session artifacts, so sessions share the application's.
        settings.put("spark.sql.artifact.isolation.enabled", "false");
        if (options.master().startsWith("local")) {
            // Nothing outside this process talks to a local-mode driver: listen on loopback only.
            settings.put("spark.driver.host", "127.0.0.1");
            settings.put("spark.driver.bindAddress", "127.0.0.1");
        }
        settings.put(
                "spark.sql.warehouse.dir",
                config.workDir()
                        .toAbsolutePath()
                        .resolve("data")
                        .resolve("spark-warehouse")
                        .toString());
        settings.putAll(options.eventLogs().sparkConf());
        settings.putAll(config.sparkConf());
        // The guard's extension is static: every session of the application, newSession() ones included, has
        // it; each attempt's session sets its own executor's roots and allowUnsafeSql (LocalAttempt). Here it is
        // on whatever this executor says: getOrCreate() applies these to the shared session of other executors.
        settings.putAll(SparkGuard.sparkConf(
                config.workDir(),
                new GuardOptions(options.guard().allowedRoots(), false),
                settings.get(SparkGuard.EXTENSIONS_KEY)));
        return settings;
    }
}
