package io.kindling.executor.standalone;

import static java.util.Objects.requireNonNull;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptListener;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.HealthStatus;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.executor.runner.KindlingRunner;
import io.kindling.executor.runner.RunnerArgs;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Runs each attempt as a driver on a Spark standalone cluster in cluster deploy mode, submitted through the
 * master's REST submission server: SQL and class tasks as the Kindling runner jar, submit tasks as the task's own
 * application. Status is polled by driver id; the driver's stderr is copied into the attempt log; cancel kills
 * the driver. The driver id is the attempt's remote id: {@link #attach} follows a driver again after a restart.
 * Python and notebook tasks run as client-mode drivers on this machine instead ({@link PythonDriverAttempt}).
 */
public final class StandaloneExecutor implements Executor {
    /** {@code s3a://}, {@code hdfs://}, {@code file:}: a jar location used as given. */
    private static final Pattern URI_PATTERN = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    private final ExecutorConfig config;
    private final StandaloneOptions options;
    private final Clock clock;
    private final RestSubmissionClient rest;
    private final Optional<DriverLogs> logs;
    private final RunnerJar runnerJar;
    private final ScheduledExecutorService timer;
    private final Map<String, StandaloneAttempt> attempts = new ConcurrentHashMap<>();
    private final Map<String, PythonDriverAttempt> pythonAttempts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Connects to nothing: an unreachable master fails the health check and the attempts, not the creation. */
    public StandaloneExecutor(ExecutorConfig config, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.options = StandaloneOptions.from(config);
        if (options.guard().allowUnsafeSql()) {
            LoggerFactory.getLogger(StandaloneExecutor.class)
                    .warn(
                            "executor '{}': allowUnsafeSql is true: Kindling's "
                                    + "SQL guard is off in the runner, so its SQL may run shell commands, call Java methods and read "
                                    + "or write any path the cluster's user can",
                            config.name());
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(options.connectTimeout()).build();
        String sparkVersion = Optional.ofNullable(
                        org.apache.spark.SparkContext.class.getPackage().getImplementationVersion())
                .orElse("unknown");
        this.rest = new RestSubmissionClient(options.restUrl(), http, options.requestTimeout(), sparkVersion);
        this.logs = options.masterWebUi().map(ui -> new DriverLogs(ui, http, options.requestTimeout()));
        this.runnerJar = new RunnerJar(config.workDir());
        AtomicInteger threads = new AtomicInteger();
        this.timer = java.util.concurrent.Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "kindling-" + config.name() + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public AttemptHandle start(AttemptRequest request) {
        return start(request, AttemptListener.NONE);
    }

    @Override
    public AttemptHandle start(AttemptRequest request, AttemptListener listener) {
        requireNonNull(request, "request is null");
        requireNonNull(listener, "listener is null");
        if (request.body() instanceof TaskBody.Python || request.body() instanceof TaskBody.Notebook) {
            return startPython(request);
        }
        Submission submission;
        try {
            submission = submission(request);
        } catch (RuntimeException e) { // a task body the runner cannot take, a runner jar that cannot be written
            return AttemptHandle.ended(AttemptResult.failed("executor '" + config.name() + "': " + e.getMessage()));
        }
        StandaloneAttempt attempt = track(request);
        if (attempt.openLog(clock)) {
            timer.execute(() -> attempt.submit(submission, listener));
        }
        return attempt;
    }

    /**
     * A Python attempt: its driver runs on this machine in client deploy mode (Spark refuses cluster mode for Python
     * on standalone clusters), so it reports no remote id and a restarted daemon fails it rather than follow it.
     */
    private AttemptHandle startPython(AttemptRequest request) {
        Map<String, String> properties;
        try {
            if (!request.libraries().isEmpty()) { // said, never silently dropped: the task may need them
                throw new IllegalArgumentException("python and notebook tasks do not take libraries yet");
            }
            SparkGuard.refuseGuardSettings(request.sparkConf(), "the task's spark_conf");
            properties = applicationConf(request, "client");
            properties.putAll(
                    SparkGuard.sparkConf(config.workDir(), options.guard(), properties.get(SparkGuard.EXTENSIONS_KEY)));
        } catch (RuntimeException e) {
            return AttemptHandle.ended(AttemptResult.failed("executor '" + config.name() + "': " + e.getMessage()));
        }
        if (closed) {
            throw new IllegalStateException("executor '" + config.name() + "' is closed");
        }
        PythonDriverAttempt attempt = new PythonDriverAttempt(
                request,
                config,
                options.master(),
                properties,
                options.python(),
                clock,
                ended -> pythonAttempts.remove(ended.attemptId(), ended));
        pythonAttempts.put(request.attemptId(), attempt);
        attempt.start();
        return attempt;
    }

    @Override
    public boolean canAttach() {
        return true;
    }

    @Override
    public AttemptHandle attach(AttemptRequest request, String remoteId) {
        requireNonNull(remoteId, "remoteId is null");
        StandaloneAttempt attempt = track(request);
        if (attempt.openLog(clock)) {
            attempt.attach(remoteId); // only schedules the first poll
        }
        return attempt;
    }

    private StandaloneAttempt track(AttemptRequest request) {
        if (closed) {
            throw new IllegalStateException("executor '" + config.name() + "' is closed");
        }
        StandaloneAttempt attempt = new StandaloneAttempt(
                request, options, rest, logs, timer, ended -> attempts.remove(ended.attemptId(), ended));
        attempts.put(request.attemptId(), attempt);
        return attempt;
    }

    /** The master's REST server answers: that is all a health check asks (it starts nothing). */
    /** The History Server's page when one is configured, else the master's page of the application. */
    @Override
    public Optional<URI> applicationUrl(String sparkAppId) {
        return options.eventLogs()
                .applicationUrl(sparkAppId)
                .or(() -> options.masterWebUi()
                        .map(ui -> URI.create(
                                ui + "/app/?appId=" + URLEncoder.encode(sparkAppId, StandardCharsets.UTF_8))));
    }

    @Override
    public HealthStatus health() {
        if (closed) {
            return HealthStatus.unhealthy("executor '" + config.name() + "' is closed");
        }
        try {
            rest.status("driver-kindling-health-check");
            return HealthStatus.ok("Spark standalone master " + options.master() + " (REST " + options.restUrl()
                    + ") answers; " + attempts.size() + " attempts tracked");
        } catch (ClusterException e) {
            return HealthStatus.unhealthy(e.getMessage());
        }
    }

    /**
     * Stops tracking. Drivers keep running on the cluster: a restarted daemon attaches to them by id rather
     * than losing or repeating their work. Python attempts' drivers run on this machine and cannot be followed
     * again: they are stopped.
     */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        pythonAttempts.values().forEach(attempt -> attempt.cancel("executor '" + config.name() + "' closed"));
    }

    /** The application's settings: Kindling's, then the executor's and the task's {@code spark_conf} on top. */
    private Map<String, String> applicationConf(AttemptRequest request, String deployMode) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spark.master", options.master());
        properties.put("spark.submit.deployMode", deployMode);
        properties.put("spark.driver.supervise", "false");
        properties.put(
                "spark.app.name",
                "kindling " + request.pipelineId() + "/" + request.taskId() + " #" + request.attemptNumber());
        properties.putAll(options.eventLogs().sparkConf());
        properties.putAll(config.sparkConf());
        properties.putAll(request.sparkConf());
        // Shows in the driver's launch command on the worker: which attempt a driver belongs to.
        properties.put("spark.kindling.attemptId", request.attemptId());
        return properties;
    }

    Submission submission(AttemptRequest request) {
        Map<String, String> properties = applicationConf(request, "cluster");
        List<String> jars =
                new ArrayList<>(options.jars().stream().map(this::location).toList());
        // the task's libraries as the workers read them: the same path (a machine of its own needs a shared folder)
        request.libraries()
                .forEach(
                        jar -> jars.add(jar.toAbsolutePath().normalize().toUri().toString()));
        TaskBody body = request.body();
        if (body instanceof TaskBody.Submit submit) {
            if (!jars.isEmpty()) {
                properties.put("spark.jars", String.join(",", jars));
            }
            return new Submission(
                    config.name(),
                    location(submit.jar()),
                    submit.mainClass(),
                    submit.args(),
                    properties,
                    "application " + submit.jar() + " (main class " + submit.mainClass() + ")");
        }
        if (body instanceof TaskBody.Stream) {
            throw new IllegalArgumentException(
                    "type spark-standalone does not run stream tasks yet: give the task an executor of type local");
        }
        // The runner's session is guarded like a local executor's; the task may not change the guard's settings.
        SparkGuard.refuseGuardSettings(request.sparkConf(), "the task's spark_conf");
        properties.putAll(
                SparkGuard.sparkConf(config.workDir(), options.guard(), properties.get(SparkGuard.EXTENSIONS_KEY)));
        String runner = options.runnerJar().map(this::location).orElseGet(runnerJar::uri);
        jars.add(0, runner);
        properties.put("spark.jars", String.join(",", jars));
        String workDir = config.workDir().toAbsolutePath().normalize().toString();
        return new Submission(
                config.name(),
                runner,
                KindlingRunner.class.getName(),
                List.of(new RunnerArgs(request, workDir).encode()),
                properties,
                (body instanceof TaskBody.Sql ? "a sql task" : "class " + ((TaskBody.JavaClass) body).className())
                        + " through the runner " + runner);
    }

    /** A jar as the cluster reads it: URIs as given, paths resolved against the work dir as file: URIs. */
    private String location(String jar) {
        if (URI_PATTERN.matcher(jar).matches()) {
            return jar;
        }
        Path path = Path.of(jar);
        return (path.isAbsolute() ? path : config.workDir().resolve(path))
                .toAbsolutePath()
                .normalize()
                .toUri()
                .toString();
    }

    /** For tests: the master's REST server this executor talks to. */
    URI restUrl() {
        return options.restUrl();
    }
}
