package io.kindling.executor.local;

import static java.util.Objects.requireNonNull;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.HealthStatus;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListenerInterface;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs attempts in this JVM on Spark in local mode: one warm SparkSession for all attempts, started by the
 * first one, and for each attempt its own thread, {@code newSession()} and Spark job group. See the module's
 * README for the options.
 */
public final class LocalSparkExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSparkExecutor.class);

    private final ExecutorConfig config;
    private final LocalSparkOptions options;
    private final Clock clock;
    private final Map<String, LocalAttempt> attempts = new ConcurrentHashMap<>();
    private final LocalSparkSession sparkSession;
    private final Optional<SparkMetricsListener> metricsListener;
    private final Optional<InferredSchemas> inferredSchemas;
    private final ExecutorService threads;
    /** Reports an attempt cancelled when it does not stop within the grace period. */
    private final ScheduledExecutorService cancelTimer;
    /** Guards {@link #closed} against a start racing a close. */
    private final Object lifecycle = new Object();

    private volatile boolean closed;

    /** Starts nothing: Spark starts with the first attempt. Throws on bad options. */
    public LocalSparkExecutor(ExecutorConfig config, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.options = LocalSparkOptions.from(config);
        if (config.options().containsKey(LocalSparkOptions.HEAP)
                || config.options().containsKey(LocalSparkOptions.JVM_FLAGS)
                || config.options().containsKey(LocalSparkOptions.WARMUP)) {
            LOG.warn(
                    "executor '{}': options '{}', '{}' and '{}' have no effect with mode: {} (Spark runs in this "
                            + "JVM, started by the first attempt)",
                    config.name(),
                    LocalSparkOptions.HEAP,
                    LocalSparkOptions.JVM_FLAGS,
                    LocalSparkOptions.WARMUP,
                    LocalSparkOptions.Mode.IN_PROCESS.yamlName);
        }
        if (options.guard().allowUnsafeSql()) {
            LOG.warn(
                    "executor '{}': allowUnsafeSql is true: Kindling's SQL guard is off, so its SQL may run shell "
                            + "commands, call Java methods and read or write any path the daemon's user can",
                    config.name());
        }
        // Without metrics no listener of theirs runs at all: switching them off costs nothing per task.
        this.metricsListener = options.metrics()
                ? Optional.of(new SparkMetricsListener(id -> {
                    LocalAttempt attempt = attempts.get(id);
                    return attempt == null ? null : attempt.metrics().orElse(null);
                }))
                : Optional.empty();
        List<SparkListenerInterface> listeners = new ArrayList<>();
        listeners.add(new AttemptJobListener(attempts::get));
        metricsListener.ifPresent(listeners::add);
        this.sparkSession = new LocalSparkSession(config, options, listeners);
        this.inferredSchemas = options.cacheInferredSchemas()
                ? Optional.of(new InferredSchemas(Optional.of(InferredSchemas.folderIn(config.workDir()))))
                : Optional.empty();
        this.threads = java.util.concurrent.Executors.newCachedThreadPool(
                daemonThreads("kindling-" + config.name() + "-idle-"));
        this.cancelTimer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                daemonThreads("kindling-" + config.name() + "-cancel-timer-"));
    }

    @Override
    public String name() {
        return config.name();
    }

    /**
     * Starts the attempt on a thread of its own. The thread takes the caller's context class loader, which
     * is where {@code class:} tasks are looked up.
     */
    @Override
    public AttemptHandle start(AttemptRequest request) {
        requireNonNull(request, "request is null");
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        LocalAttempt attempt = new LocalAttempt(
                request,
                config,
                options,
                sparkSession,
                inferredSchemas,
                loader != null ? loader : LocalSparkExecutor.class.getClassLoader(),
                clock,
                cancelTimer,
                ended -> {
                    attempts.remove(ended.attemptId(), ended);
                    metricsListener.ifPresent(listener -> ended.metrics().ifPresent(listener::forget));
                });
        synchronized (lifecycle) {
            if (closed) {
                return new EndedAttempt(AttemptResult.failed("executor '" + config.name() + "' is closed"));
            }
            if (attempts.putIfAbsent(request.attemptId(), attempt) != null) {
                return new EndedAttempt(AttemptResult.failed(
                        "attempt " + request.attemptId() + " is already running on executor '" + config.name() + "'"));
            }
            try {
                threads.execute(attempt);
            } catch (RejectedExecutionException e) {
                attempts.remove(request.attemptId(), attempt);
                return new EndedAttempt(AttemptResult.failed(
                        "executor '" + config.name() + "' cannot start " + "threads: " + e.getMessage()));
            }
        }
        return attempt;
    }

    /**
     * Starts Spark now rather than with the next attempt, and runs a few small queries so that the first task
     * finds Spark's SQL code loaded and compiled ({@link SparkWarmUp}). A Spark process does this when it starts
     * eagerly or again after a death, to stay warm.
     */
    public void warmUp() {
        SparkSession spark = sparkSession.get(progress -> {});
        // an executor configured for Python has its Connect server ready too; one without starts it on demand
        if (options.python().isPresent()) {
            PythonConnect.start(spark, progress -> {});
        }
        // its own schema cache, in memory only, so that the warm-up's files leave nothing behind
        Optional<InferredSchemas> schemas = inferredSchemas.map(kept -> new InferredSchemas(Optional.empty()));
        SparkWarmUp.run((folder, name, body) -> {
            ExecutorConfig inFolder = new ExecutorConfig(
                    config.name(), config.type(), config.slots(), folder, config.sparkConf(), config.options());
            AttemptRequest request = new AttemptRequest(
                    "warm-up-" + name,
                    "warm-up",
                    "warm-up",
                    name,
                    1,
                    body,
                    Map.of(),
                    Map.of(),
                    folder.resolve("logs").resolve(name + ".log"));
            LocalAttempt attempt = new LocalAttempt(
                    request,
                    inFolder,
                    options,
                    sparkSession,
                    schemas,
                    LocalSparkExecutor.class.getClassLoader(),
                    clock,
                    cancelTimer,
                    ended -> {});
            attempt.run();
            return attempt.result().toCompletableFuture().join();
        });
    }

    /** Whether the SparkSession has started (by {@link #warmUp} or an attempt) and is usable. */
    public boolean sparkStarted() {
        return sparkSession.ifStarted().isPresent();
    }

    @Override
    public Optional<URI> applicationUrl(String sparkAppId) {
        return options.eventLogs().applicationUrl(sparkAppId);
    }

    @Override
    public HealthStatus health() {
        if (closed) {
            return HealthStatus.unhealthy("executor '" + config.name() + "' is closed");
        }
        Optional<SparkSession> spark = sparkSession.ifStarted();
        if (spark.isEmpty()) {
            return HealthStatus.ok(
                    "local Spark (master " + options.master() + ") not started yet; it starts with the first attempt");
        }
        return HealthStatus.ok("local Spark session started: application "
                + spark.get().sparkContext().applicationId() + ", master "
                + spark.get().sparkContext().master() + ", " + attempts.size() + " attempts running");
    }

    /**
     * Cancels the running attempts, waits for them up to the cancel grace period, and stops Spark unless
     * {@code stopSparkOnClose} is false.
     */
    @Override
    public void close() {
        List<LocalAttempt> running;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            running = List.copyOf(attempts.values());
            threads.shutdown();
        }
        running.forEach(attempt -> attempt.cancel("executor '" + config.name() + "' is closing"));
        try {
            if (!threads.awaitTermination(options.cancelGracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("executor '{}': {} attempts still running at close", config.name(), attempts.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cancelTimer.shutdown(); // timers already set still fire
        sparkSession.close(options.stopSparkOnClose());
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A handle for an attempt refused at start: its result is known at once. */
    private record EndedAttempt(AttemptResult outcome) implements AttemptHandle {
        @Override
        public CompletionStage<AttemptResult> result() {
            return CompletableFuture.completedStage(outcome);
        }

        @Override
        public void cancel(String reason) {}

        @Override
        public Optional<String> sparkApplicationId() {
            return Optional.empty();
        }
    }
}
