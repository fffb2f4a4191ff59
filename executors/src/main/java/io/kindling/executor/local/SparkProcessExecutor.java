package io.kindling.executor.local;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptJson;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.HealthStatus;
import io.kindling.executor.Lease;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local executor whose Spark lives in a supervised child JVM ({@code mode: process}, the default): an
 * OutOfMemoryError, {@code System.exit} or a native crash in a task ends that process, not the daemon. The
 * process is started and warmed up once the daemon is ready ({@code warmup: eager}, the default) or by the first
 * attempt ({@code lazy}), kept warm, asked for its status every few seconds, and started again (warm) when it
 * dies; the attempts it was running fail with the reason and are retried by their policy.
 *
 * <p>Cancel is sent to the process, which cancels the attempt's Spark jobs; an attempt that has not stopped
 * within the cancel grace period gets the process restarted, which fails the other attempts it was running.
 */
final class SparkProcessExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SparkProcessExecutor.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);
    /** A process whose agent has not answered a status request for this long is hung (GC thrashing): restarted. */
    private static final Duration UNRESPONSIVE_AFTER = Duration.ofSeconds(30);

    private static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(60);
    /** How often the daemon's lease is passed on to the process: the process's view of it lags by at most this. */
    private static final Duration LEASE_EVERY = Duration.ofSeconds(1);
    /** What the process is told of a lease that does not run out. */
    private static final long UNLIMITED_LEASE_MILLIS = Duration.ofDays(1).toMillis();

    private final ExecutorConfig config;
    private final LocalSparkOptions options;
    private final Clock clock;
    private final Map<String, ProcessAttempt> attempts = new ConcurrentHashMap<>();
    /** Starts the process and hands it attempts, in order, off the caller's thread. */
    private final ExecutorService dispatcher;

    private final ScheduledExecutorService timer;
    private final SparkProcess.Listener listener = new Listener();
    private final Object lock = new Object();
    // Guarded by lock.
    private SparkProcess process;
    private boolean closed;
    private int restarts;
    private int quickDeaths;
    private String lastExit;
    private String startFailure;
    /** The process whose first warm status started the daemon's round trip to it (guarded by lock). */
    private SparkProcess roundTripTo;

    private volatile AttemptResult roundTrip;
    private volatile JsonNode lastStatus;
    private volatile long lastStatusNanos;
    private volatile Lease lease = Lease.UNLIMITED;

    SparkProcessExecutor(ExecutorConfig config, LocalSparkOptions options, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.options = requireNonNull(options, "options is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.dispatcher = java.util.concurrent.Executors.newSingleThreadExecutor(
                LocalSparkExecutor.daemonThreads("kindling-" + config.name() + "-spark-process-"));
        this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                LocalSparkExecutor.daemonThreads("kindling-" + config.name() + "-spark-process-timer-"));
        timer.scheduleWithFixedDelay(
                this::checkStatus, STATUS_EVERY.toMillis(), STATUS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(
                this::passLeaseOn, LEASE_EVERY.toMillis(), LEASE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The process stops its attempts itself when the lease it was last told of runs out (a paused daemon). */
    @Override
    public void lease(Lease lease) {
        this.lease = requireNonNull(lease, "lease is null");
    }

    private void passLeaseOn() {
        SparkProcess current;
        synchronized (lock) {
            current = process;
        }
        if (current != null) {
            current.send(leaseFrame());
        }
    }

    private ObjectNode leaseFrame() {
        return AgentFrames.message("lease")
                .put("remaining_ms", Math.max(0, Math.min(UNLIMITED_LEASE_MILLIS, lease.remainingMillis())));
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public AttemptHandle start(AttemptRequest request) {
        requireNonNull(request, "request is null");
        ObjectNode task;
        try {
            task = AttemptJson.encode(request);
        } catch (IllegalArgumentException e) {
            return AttemptHandle.ended(
                    AttemptResult.failed("executor '" + config.name() + "' (type local) " + e.getMessage()));
        }
        ObjectNode start = AgentFrames.message("start");
        start.set("request", task);
        start.set("spark_conf", AgentFrames.JSON.valueToTree(request.sparkConf()));
        // the process's working directory is workDir: the log's path must not depend on the daemon's
        start.put("log_file", request.logFile().toAbsolutePath().toString());
        ProcessAttempt attempt =
                new ProcessAttempt(request, ended -> attempts.remove(ended.request.attemptId(), ended), this::cancel);
        synchronized (lock) {
            if (closed) {
                return AttemptHandle.ended(AttemptResult.failed("executor '" + config.name() + "' is closed"));
            }
            if (attempts.putIfAbsent(request.attemptId(), attempt) != null) {
                return AttemptHandle.ended(AttemptResult.failed(
                        "attempt " + request.attemptId() + " is already running on executor '" + config.name() + "'"));
            }
        }
        dispatcher.execute(() -> dispatch(attempt, start));
        return attempt;
    }

    private void dispatch(ProcessAttempt attempt, ObjectNode start) {
        if (attempt.result.isDone()) { // cancelled while it waited
            return;
        }
        SparkProcess target;
        try {
            target = running(false);
        } catch (IOException | RuntimeException e) {
            attempt.end(AttemptResult.failed(
                    "executor '" + config.name() + "' cannot start its Spark process: " + e.getMessage()));
            return;
        }
        synchronized (lock) {
            if (process != target) { // it died in between
                attempt.end(AttemptResult.failed(lastExit + "; the attempt is retried by its policy"));
                return;
            }
            attempt.process = target;
        }
        target.send(leaseFrame()); // a process started just now has not been told the lease yet
        target.send(start); // a failed send means the process died: its exit fails the attempt
    }

    /**
     * The live process, started now if there is none; {@code warm} has it warm Spark up at once rather than with
     * its first attempt. Called on the dispatcher thread only.
     */
    private SparkProcess running(boolean warm) throws IOException {
        synchronized (lock) {
            warm |= restarts > 0; // a restart is kept warm for the retries of the attempts it lost
            if (closed) {
                throw new IOException("the executor is closed");
            }
            if (process != null) {
                return process;
            }
        }
        long begun = System.nanoTime();
        ObjectNode agentConfig = AgentLaunch.config(config, options, warm);
        SparkProcess started;
        try {
            started = SparkProcess.start(
                    config.name(),
                    config.workDir().toAbsolutePath(),
                    options.heap(),
                    options.jvmFlags(),
                    AgentLaunch.environment(options),
                    agentConfig,
                    START_TIMEOUT,
                    listener);
        } catch (IOException | RuntimeException e) {
            synchronized (lock) {
                startFailure = e.getMessage();
            }
            throw e;
        }
        synchronized (lock) {
            if (closed) {
                started.kill("the executor closed while its Spark process started");
                throw new IOException("the executor is closed");
            }
            if (started.ended()) { // its exit was reported before it became the process: nobody would hear it
                throw new IOException(lastExit);
            }
            process = started;
            startFailure = null;
            lastStatusNanos = System.nanoTime();
        }
        LOG.info(
                "executor '{}': Spark process {} started in {} ms (heap {})",
                config.name(),
                started.pid(),
                (System.nanoTime() - begun) / 1_000_000,
                options.heap());
        return started;
    }

    private void checkStatus() {
        SparkProcess current;
        synchronized (lock) {
            current = process;
        }
        if (current == null) {
            return;
        }
        long silentNanos = System.nanoTime() - lastStatusNanos;
        if (silentNanos > UNRESPONSIVE_AFTER.toNanos()) {
            current.kill("the Spark process stopped answering for " + UNRESPONSIVE_AFTER.toSeconds() + " s (heap "
                    + options.heap() + ", perhaps full) and was restarted");
            return;
        }
        current.send(AgentFrames.message("status"));
    }

    private void cancel(ProcessAttempt attempt, String why) {
        SparkProcess target;
        synchronized (lock) {
            target = attempt.process;
        }
        if (target == null) { // not handed to the process yet: it never will be
            attempt.end(AttemptResult.cancelled(why));
            return;
        }
        target.send(AgentFrames.message("cancel")
                .put("attempt_id", attempt.request.attemptId())
                .put("reason", why));
        Duration grace = options.cancelGracePeriod();
        timer.schedule(
                () -> {
                    if (!attempt.result.isDone()) {
                        target.kill("the Spark process was restarted: attempt " + attempt.request.attemptId()
                                + " did not stop within " + grace.toSeconds() + " s of being cancelled");
                    }
                },
                grace.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** The process ended: its attempts fail (or end cancelled, if they were), and a new one is started. */
    private void exited(SparkProcess ended, String why) {
        List<ProcessAttempt> lost;
        boolean restart;
        Duration delay;
        synchronized (lock) {
            if (process == ended) {
                process = null;
                lastStatus = null; // the next process says for itself how warm it is
            }
            lastExit = why;
            lost = attempts.values().stream().filter(a -> a.process == ended).toList();
            restart = !closed;
            if (restart) {
                restarts++;
                quickDeaths = ended.uptime().compareTo(MAX_RESTART_DELAY) < 0 ? quickDeaths + 1 : 0;
            }
            delay = Duration.ofSeconds(Math.min(MAX_RESTART_DELAY.toSeconds(), 1L << Math.min(quickDeaths, 6)));
        }
        for (ProcessAttempt attempt : lost) {
            String cancelled = attempt.cancelReason;
            if (cancelled != null) {
                attempt.end(AttemptResult.cancelled(cancelled));
            } else {
                String error = closedNow() ? why : why + "; the attempt is retried by its policy";
                appendToLog(attempt.request, error);
                attempt.end(AttemptResult.failed(error));
            }
        }
        if (restart) {
            // kept warm: the next attempt, often the retry of one just lost, finds Spark started
            try {
                timer.schedule(() -> dispatcher.execute(this::startWarm), delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // closed meanwhile: nothing to keep warm
            }
        }
    }

    /** With {@code warmup: eager}, the process starts and warms up now, on the dispatcher thread. */
    @Override
    public void daemonReady() {
        if (options.warmup() != LocalSparkOptions.Warmup.EAGER) {
            return;
        }
        try {
            dispatcher.execute(this::startWarm);
        } catch (RejectedExecutionException e) {
            // closed already: nothing to warm
        }
    }

    private void startWarm() {
        try {
            running(true);
        } catch (IOException | RuntimeException e) {
            LOG.warn("executor '{}': cannot start the Spark process: {}", config.name(), e.getMessage());
        }
    }

    private boolean closedNow() {
        synchronized (lock) {
            return closed;
        }
    }

    private void appendToLog(AttemptRequest request, String line) {
        try (AttemptLog log = AttemptLog.open(request, clock)) {
            log.line(line);
        } catch (IOException | RuntimeException e) {
            LOG.warn("attempt {}: cannot write to its log: {}", request.attemptId(), e.toString());
        }
    }

    /**
     * Once a process says it is warm (the first time), one {@code SELECT 1} makes the trip a task makes through the
     * daemon's side: the request's encoding, the start frame, the agent's handling of it and the result's way back.
     * The process's own warm-up runs its tasks inside it, so this code was still cold for the first real task:
     * about 50 ms of a 230 ms first task in bench figure 8, on 2 cores. Its log goes to a temporary folder.
     */
    private void roundTrip(SparkProcess warm) {
        synchronized (lock) {
            boolean warmedUp = options.warmup() == LocalSparkOptions.Warmup.EAGER || restarts > 0;
            if (closed || process != warm || roundTripTo == warm || !warmedUp) {
                return; // a lazy process is warmed by its first attempt, which made the trip already
            }
            roundTripTo = warm;
        }
        Path folder;
        try {
            folder = Files.createTempDirectory("kindling-round-trip-");
        } catch (IOException e) {
            LOG.debug("executor '{}': no round trip to the warm process: {}", config.name(), e.toString());
            return;
        }
        AttemptRequest request = new AttemptRequest(
                "round-trip-" + warm.pid(),
                "warm-up",
                "warm-up",
                "round-trip",
                1,
                new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty()),
                Map.of(),
                Map.of(),
                folder.resolve("round-trip.log"));
        start(request).result().whenComplete((result, error) -> {
            roundTrip = result;
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                LOG.debug("cannot delete {}: {}", folder, e.toString());
            }
        });
    }

    /** How the round trip to the warm process ended, once it has; for tests. */
    Optional<AttemptResult> roundTrip() {
        return Optional.ofNullable(roundTrip);
    }

    /** The live process's id, for tests and health. */
    OptionalLong pid() {
        synchronized (lock) {
            return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
        }
    }

    @Override
    public Optional<URI> applicationUrl(String sparkAppId) {
        return options.eventLogs().applicationUrl(sparkAppId);
    }

    @Override
    public HealthStatus health() {
        return snapshot().health();
    }

    @Override
    public Map<String, Double> gauges() {
        return snapshot().gauges();
    }

    private ProcessState snapshot() {
        synchronized (lock) {
            return new ProcessState(
                    config.name(),
                    options,
                    closed,
                    process,
                    startFailure,
                    lastExit,
                    restarts,
                    lastStatus,
                    attempts.size());
        }
    }

    /** Asks the process to cancel its attempts and exit, waiting up to the cancel grace period. */
    @Override
    public void close() {
        SparkProcess current;
        List<ProcessAttempt> waiting;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            current = process;
            waiting = attempts.values().stream().filter(a -> a.process == null).toList();
        }
        waiting.forEach(a -> a.end(AttemptResult.cancelled("executor '" + config.name() + "' is closing")));
        dispatcher.shutdownNow();
        if (current != null) {
            current.stop(options.cancelGracePeriod().plusSeconds(5), "executor '" + config.name() + "' is closing");
        }
        timer.shutdownNow();
    }

    private final class Listener implements SparkProcess.Listener {
        @Override
        public void result(SparkProcess from, String attemptId, AttemptResult outcome, Optional<String> appId) {
            ProcessAttempt attempt = attempts.get(attemptId);
            if (attempt == null) {
                return;
            }
            appId.ifPresent(id -> attempt.applicationId = id);
            attempt.end(outcome);
        }

        @Override
        public void status(SparkProcess from, JsonNode status) {
            lastStatus = status;
            lastStatusNanos = System.nanoTime();
            if (status.path("warm").asBoolean()) {
                roundTrip(from);
            }
        }

        @Override
        public void exited(SparkProcess from, String why) {
            SparkProcessExecutor.this.exited(from, why);
        }
    }
}
