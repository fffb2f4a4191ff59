package io.kindling.executor.local;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.SparkMetrics;
import io.kindling.executor.guard.SparkGuard;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt on a local executor, run on a pool thread of its own: its own {@code newSession()}, a Spark job
 * group named after the attempt id, a log file. Cancel stops the job group; it never interrupts the thread,
 * since interrupting Spark driver code can close channels the whole SparkContext shares.
 */
final class LocalAttempt implements AttemptHandle, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAttempt.class);
    /** How long an ending attempt waits for Spark's listener to report the end of its jobs, for the log. */
    private static final long JOB_EVENTS_WAIT_MILLIS = 3_000;

    private final AttemptRequest request;
    private final ExecutorConfig config;
    private final LocalSparkOptions options;
    private final LocalSparkSession sparkSession;
    private final Optional<InferredSchemas> inferredSchemas;
    private final ClassLoader taskClassLoader;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Consumer<LocalAttempt> onEnd;
    private final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    /** Empty when the executor collects no metrics. */
    private final Optional<AttemptMetrics> metrics;
    /** Set once the attempt's job group is: from then on it has Spark metrics. */
    private volatile SparkContext sparkContext;

    private volatile AttemptLog log;
    /** Set while a Python task runs: cancel stops its process and its Connect session's operations. */
    private volatile PythonTaskRunner python;

    private volatile String applicationId;

    // Guarded by this: the attempt's thread, and whether the attempt is over.
    private Thread thread;
    private boolean finished;
    private String cancelReason;
    private final Set<Integer> runningJobs = new HashSet<>();

    LocalAttempt(
            AttemptRequest request,
            ExecutorConfig config,
            LocalSparkOptions options,
            LocalSparkSession sparkSession,
            Optional<InferredSchemas> inferredSchemas,
            ClassLoader taskClassLoader,
            Clock clock,
            ScheduledExecutorService timer,
            Consumer<LocalAttempt> onEnd) {
        this.request = request;
        this.config = config;
        this.options = options;
        this.sparkSession = sparkSession;
        this.inferredSchemas = inferredSchemas;
        this.taskClassLoader = taskClassLoader;
        this.clock = clock;
        this.timer = timer;
        this.onEnd = onEnd;
        this.metrics = options.metrics() ? Optional.of(new AttemptMetrics(request.attemptId())) : Optional.empty();
        this.applicationId = sparkSession
                .ifStarted()
                .map(s -> s.sparkContext().applicationId())
                .orElse(null);
    }

    String attemptId() {
        return request.attemptId();
    }

    Optional<AttemptMetrics> metrics() {
        return metrics;
    }

    @Override
    public CompletionStage<AttemptResult> result() {
        return result.minimalCompletionStage();
    }

    @Override
    public Optional<String> sparkApplicationId() {
        return Optional.ofNullable(applicationId);
    }

    @Override
    public void cancel(String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled" : reason.strip();
        synchronized (this) {
            if (finished || cancelReason != null) {
                return;
            }
            cancelReason = why;
        }
        AttemptLog current = log;
        if (current != null) {
            current.line("cancel requested: " + why);
        }
        sparkSession.ifStarted().ifPresent(spark -> cancelJobGroup(spark.sparkContext(), why));
        PythonTaskRunner runner = python;
        if (runner != null) {
            runner.cancel(why);
        }
        timer.schedule(() -> giveUpWaiting(why), options.cancelGracePeriod().toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean cancelRequested() {
        return cancelReason() != null;
    }

    @Override
    public void run() {
        Thread current = Thread.currentThread();
        String idleName = current.getName();
        ClassLoader idleLoader = current.getContextClassLoader();
        current.setName("kindling-attempt-" + request.attemptId());
        current.setContextClassLoader(taskClassLoader);
        synchronized (this) {
            thread = current;
        }
        AttemptResult outcome = null;
        try {
            log = AttemptLog.open(request, clock);
            outcome = runLogged();
        } catch (IOException | RuntimeException e) {
            outcome = AttemptResult.failed(
                    "cannot write the attempt log " + request.logFile() + ": " + Failures.message(e));
        } finally {
            // Whatever happened (even an Error), the result completes and the pool thread is left clean.
            // Posted first, so the listener reaches the fence while the attempt waits for its jobs' ends anyway.
            boolean fenced = postMetricsFence();
            awaitJobEvents();
            Optional<SparkMetrics> measured = sparkMetrics(fenced);
            synchronized (this) {
                finished = true;
                thread = null;
            }
            Thread.interrupted();
            current.setName(idleName);
            current.setContextClassLoader(idleLoader);
            onEnd.accept(this);
            if (log != null) {
                log.close();
            }
            AttemptResult ended = outcome != null
                    ? outcome
                    : AttemptResult.failed("the attempt ended abnormally; see the Kindling log");
            // The error is stored and shown by the daemon: a secret the task put in its exception is masked.
            ended = new AttemptResult(
                    ended.outcome(), ended.error().map(request.redactor()::mask), measured, ended.values());
            if (!result.complete(ended)) {
                LOG.info("attempt {} ended after it had been reported cancelled", request.attemptId());
            }
        }
    }

    /** Everything after the log is open; never throws. */
    private AttemptResult runLogged() {
        long started = System.nanoTime();
        SparkContext context = null;
        SessionLibraries libraries = null;
        try {
            header();
            checkNotCancelled();
            SparkGuard.refuseGuardSettings(request.sparkConf(), "the task's spark_conf");
            if (request.body() instanceof TaskBody.Submit) {
                throw new AttemptFailure("submit tasks need a remote executor: executor '" + config.name()
                        + "' (type local) runs sql and class tasks inside the Kindling process");
            }
            SparkSession base = sparkSession.get(log::line);
            context = base.sparkContext();
            applicationId = context.applicationId();
            log.line("Spark application " + applicationId + ", master " + context.master());
            checkNotCancelled();
            SparkSession spark = base.newSession();
            applySparkConf(spark);
            List<Path> jars = new ArrayList<>(options.jars());
            jars.addAll(request.libraries());
            if (!jars.isEmpty()) {
                libraries = SessionLibraries.add(spark, jars, log);
            }
            SparkSession.setActiveSession(spark);
            context.setJobGroup(
                    request.attemptId(),
                    "kindling " + request.pipelineId() + "/" + request.taskId() + " attempt " + request.attemptNumber(),
                    true);
            sparkContext = context;
            Map<String, Object> values;
            if (libraries == null) {
                values = runBody(spark, taskClassLoader);
            } else {
                SessionLibraries session = libraries;
                Thread.currentThread().setContextClassLoader(session.classLoader());
                Map<String, Object> published = new java.util.LinkedHashMap<>();
                session.run(() -> published.putAll(runBody(spark, session.classLoader())));
                values = published;
            }
            checkValues(values);
            // A task that noticed the cancel may just return: still a cancelled attempt.
            String reason = cancelReason();
            if (reason != null) {
                return cancelled(started, reason);
            }
            log.line("attempt succeeded in " + millisSince(started) + " ms");
            return AttemptResult.succeeded().withValues(values);
        } catch (Throwable e) {
            String reason = cancelReason();
            if (reason != null) {
                return cancelled(started, reason);
            }
            String message = Failures.message(e);
            log.line("attempt failed after " + millisSince(started) + " ms: " + message);
            log.stackTrace(e);
            return AttemptResult.failed(message);
        } finally {
            String reason = cancelReason();
            if (context != null && reason != null) {
                // A job submitted while the cancel was being processed is stopped too.
                cancelJobGroup(context, reason);
            }
            if (context != null) {
                context.clearJobGroup();
            }
            SparkSession.clearActiveSession();
            if (libraries != null) {
                Thread.currentThread().setContextClassLoader(taskClassLoader);
                try {
                    libraries.close();
                } catch (RuntimeException e) { // the attempt's outcome stands; only its copies are left behind
                    LOG.warn("attempt {}: could not remove its session's libraries", request.attemptId(), e);
                }
            }
        }
    }

    private AttemptResult cancelled(long started, String reason) {
        log.line("attempt cancelled after " + millisSince(started) + " ms: " + reason);
        return AttemptResult.cancelled(reason);
    }

    /** A task's values over the limit (or not JSON) fail its attempt, with the reason. */
    static void checkValues(Map<String, Object> values) throws AttemptFailure {
        try {
            io.kindling.executor.TaskValuesJson.encode(values);
        } catch (IllegalArgumentException e) {
            throw new AttemptFailure(e.getMessage(), e);
        }
    }

    /** @return the task values the body published */
    private Map<String, Object> runBody(SparkSession spark, ClassLoader classLoader) throws Exception {
        Path workDir = config.workDir().toAbsolutePath();
        TaskBody body = request.body();
        if (body instanceof TaskBody.Sql sql) {
            return new SqlTaskRunner(spark, workDir, log, this::checkNotCancelled, inferredSchemas).run(sql);
        } else if (body instanceof TaskBody.Stream stream) {
            new StreamTaskRunner(spark, workDir, log, this::cancelRequested, request.pipelineId(), request.taskId())
                    .run(stream);
            return Map.of();
        } else if (body instanceof TaskBody.JavaClass javaClass) {
            return ClassTaskRunner.run(
                    javaClass,
                    classLoader,
                    new ClassTaskContext(request, spark, javaClass.args(), workDir, log, this::cancelRequested),
                    log);
        } else if (body instanceof TaskBody.Python || body instanceof TaskBody.Notebook) {
            PythonTaskRunner runner = new PythonTaskRunner(
                    request, workDir, options.python().orElse(PythonTaskRunner.DEFAULT_PYTHON), config.name(), log);
            python = runner;
            String reason = cancelReason();
            if (reason != null) { // cancelled before the runner was there to hear it
                runner.cancel(reason);
            }
            return runner.run(spark, body, this::applySparkConf);
        } else {
            throw new AttemptFailure("unsupported task body " + body.getClass().getSimpleName());
        }
    }

    private void header() {
        log.line(request.describe());
        log.line("executor " + config.name() + " (type local, master " + options.master() + "), body "
                + describe(request.body()));
        if (!request.sparkConf().isEmpty()) {
            log.line("task spark_conf " + new TreeMap<>(request.sparkConf()));
        }
    }

    private static String describe(TaskBody body) {
        if (body instanceof TaskBody.Sql sql) {
            return "sql" + sql.sqlFile().map(file -> " from " + file).orElse("");
        } else if (body instanceof TaskBody.JavaClass javaClass) {
            return "class " + javaClass.className();
        } else if (body instanceof TaskBody.Submit submit) {
            return "submit " + submit.jar() + " " + submit.mainClass();
        } else if (body instanceof TaskBody.Stream stream) {
            return "stream from " + stream.source().format() + " "
                    + stream.source().path();
        } else if (body instanceof TaskBody.Python script) {
            return "python " + script.describe();
        } else if (body instanceof TaskBody.Notebook notebook) {
            return "notebook " + notebook.path();
        }
        return body.getClass().getSimpleName();
    }

    /**
     * The executor's spark_conf is applied again per session where Spark allows it at runtime (the SparkContext
     * may have been started by another executor); the task's own must all apply, or the attempt fails.
     */
    private void applySparkConf(SparkSession spark) throws AttemptFailure {
        for (Map.Entry<String, String> entry : config.sparkConf().entrySet()) {
            if (spark.conf().isModifiable(entry.getKey())) {
                spark.conf().set(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(request.sparkConf()).entrySet()) {
            try {
                spark.conf().set(entry.getKey(), entry.getValue());
            } catch (Exception e) {
                throw new AttemptFailure(
                        "spark_conf '" + entry.getKey() + "' cannot be set for one task on a "
                                + "local executor (" + Failures.message(e) + "); set it in the spark_conf of executor '"
                                + config.name() + "' in config.yml, where it applies when Spark starts",
                        e);
            }
        }
        // Executors sharing one SparkContext each guard their own attempts' sessions with their own roots.
        SparkGuard.setForSession(spark, SparkGuard.sessionConf(config.workDir(), options.guard()));
        SparkGuard.requireInstalled(spark);
    }

    private void checkNotCancelled() {
        String reason = cancelReason();
        if (reason != null) {
            throw new CancellationException(reason);
        }
    }

    private synchronized String cancelReason() {
        return cancelReason;
    }

    private void cancelJobGroup(SparkContext context, String reason) {
        try {
            context.cancelJobGroupAndFutureJobs(request.attemptId(), reason);
        } catch (RuntimeException e) {
            LOG.warn("attempt {}: cancelling its Spark jobs failed", request.attemptId(), e);
        }
    }

    private void giveUpWaiting(String reason) {
        if (result.isDone()) {
            return;
        }
        AttemptLog current = log;
        String note =
                "the attempt did not stop within " + options.cancelGracePeriod().toSeconds()
                        + " s of the cancel; reported as cancelled while its thread still runs";
        if (current != null) {
            current.line(note);
        }
        LOG.warn("attempt {}: {}", request.attemptId(), note);
        result.complete(AttemptResult.cancelled(reason));
    }

    /**
     * Called on Spark's listener thread. A job that starts after its attempt was cancelled is cancelled here:
     * Spark's "future jobs" cancel of the group was seen to miss a job submitted while it was processed.
     */
    synchronized void jobStarted(int jobId, int stages) {
        runningJobs.add(jobId);
        log.line("Spark job " + jobId + " started (" + stages + (stages == 1 ? " stage)" : " stages)"));
        if (cancelReason != null) {
            String reason = cancelReason;
            sparkSession.ifStarted().ifPresent(spark -> spark.sparkContext().cancelJob(jobId, reason));
        }
    }

    synchronized void jobEnded(int jobId, long millis, String failure) {
        runningJobs.remove(jobId);
        notifyAll();
        log.line("Spark job " + jobId + (failure == null ? " succeeded" : " failed") + " in " + millis + " ms"
                + (failure == null ? "" : ": " + failure));
    }

    /**
     * Posts a fence behind the attempt's Spark events, when it has metrics to collect; false when it has none
     * (never reached its job group, or the executor collects no metrics) or Spark is stopped.
     */
    private boolean postMetricsFence() {
        SparkContext context = sparkContext;
        if (metrics.isEmpty() || context == null) {
            return false;
        }
        try {
            SparkMetricsListener.postFence(context, metrics.get());
            return true;
        } catch (RuntimeException e) { // a stopped SparkContext: the figures so far are all there will be
            LOG.debug("attempt {}: cannot post the metrics fence: {}", attemptId(), e.toString());
            return false;
        }
    }

    /** What the attempt did in Spark, once the listener has reached its fence (or after 3 s). */
    private Optional<SparkMetrics> sparkMetrics(boolean fenced) {
        if (metrics.isEmpty() || sparkContext == null) {
            return Optional.empty();
        }
        try {
            if (fenced && !metrics.get().awaitFence(JOB_EVENTS_WAIT_MILLIS)) {
                LOG.warn("attempt {}: Spark's listener did not catch up; its metrics may be short", attemptId());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.of(metrics.get().snapshot());
    }

    /** Spark reports job ends asynchronously; give it a moment so the log tells how each job ended. */
    private synchronized void awaitJobEvents() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOB_EVENTS_WAIT_MILLIS);
        while (!runningJobs.isEmpty()) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                break;
            }
            try {
                wait(remaining);
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }
}
