package io.kindling.executor.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.python.PythonScript;
import io.kindling.executor.spark.SparkJvmFlags;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@code python:} or {@code notebook:} attempt on a standalone cluster. Spark refuses cluster deploy mode for Python
 * there, so the driver runs on this machine: a {@link PythonDriver} JVM the daemon starts for the attempt, in client
 * deploy mode with its executors on the cluster, serving the attempt's Python process ({@link PythonScript}, the
 * executor's venv with pyspark-client) through Spark Connect on 127.0.0.1 with a token of its own. Both processes are
 * the daemon's children and work in {@code workDir}; their output is the attempt's log. Cancel kills the Python process
 * and stops the driver, which ends the application on the cluster. Nothing here outlives the daemon (the driver ends
 * with its stdin), so the attempt has no remote id: a restarted daemon fails it and its policy retries it.
 */
final class PythonDriverAttempt implements AttemptHandle {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a driver asked to stop (its stdin closed, or SIGTERM) gets before it is killed. */
    private static final long STOP_WAIT_SECONDS = 10;

    private final AttemptRequest request;
    private final ExecutorConfig config;
    private final String master;
    private final Map<String, String> sparkConf;
    private final String python;
    private final Clock clock;
    private final Consumer<PythonDriverAttempt> onEnd;
    private final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    private volatile String applicationId;
    private AttemptLog log;

    // Guarded by this.
    private Process driver;
    private PythonScript script;
    private String cancelReason;

    /** @param sparkConf the application's settings (master, name, guard, the executor's and the task's spark_conf) */
    PythonDriverAttempt(
            AttemptRequest request,
            ExecutorConfig config,
            String master,
            Map<String, String> sparkConf,
            String python,
            Clock clock,
            Consumer<PythonDriverAttempt> onEnd) {
        this.request = request;
        this.config = config;
        this.master = master;
        this.sparkConf = Map.copyOf(sparkConf);
        this.python = python;
        this.clock = clock;
        this.onEnd = onEnd;
    }

    String attemptId() {
        return request.attemptId();
    }

    /** Runs the attempt on a thread of its own (it lasts as long as the script). */
    void start() {
        Thread thread = new Thread(this::run, "kindling-" + config.name() + "-python-" + request.attemptId());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public CompletionStage<AttemptResult> result() {
        return result.minimalCompletionStage();
    }

    @Override
    public Optional<String> sparkApplicationId() {
        return Optional.ofNullable(applicationId);
    }

    /** Kills the Python process, then stops the driver (its application ends on the cluster); returns at once. */
    @Override
    public void cancel(String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled" : reason.strip();
        PythonScript running;
        Process started;
        synchronized (this) {
            if (result.isDone() || cancelReason != null) {
                return;
            }
            cancelReason = why;
            running = script;
            started = driver;
        }
        if (log != null) {
            log.line("cancel requested: " + why);
        }
        Thread stop = new Thread(
                () -> {
                    if (running != null) {
                        running.cancel(why);
                    } else if (started != null) {
                        started.destroy(); // still starting: SIGTERM, whose shutdown hook stops its Spark
                    }
                    if (started != null) {
                        stopDriver(started);
                    }
                },
                "kindling-" + config.name() + "-cancel-" + request.attemptId());
        stop.setDaemon(true);
        stop.start();
    }

    private void run() {
        try {
            log = AttemptLog.open(request, clock);
        } catch (IOException e) {
            finish(AttemptLog.unwritable(request, e));
            return;
        }
        long started = System.nanoTime();
        try {
            finish(runLogged(started));
        } catch (RuntimeException | Error e) {
            finish(failed(started, "the spark-standalone executor failed: " + e));
            throw e;
        }
    }

    private AttemptResult runLogged(long started) {
        log.line(request.describe());
        log.line("executor " + config.name() + " (type spark-standalone, " + master + "): the Python task's driver"
                + " runs on this machine in client deploy mode, its executors on the cluster");
        Process process = null;
        try {
            String token = token();
            process = startDriver(token);
            if (process == null) {
                return cancelled(started);
            }
            BufferedReader output =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            Optional<JsonNode> ready = awaitReady(output);
            if (ready.isEmpty()) {
                return cancelReason() != null
                        ? cancelled(started)
                        : failed(
                                started,
                                "the Python task's Spark driver exited before its application started (status "
                                        + exitStatus(process) + "; its output is in the log)");
            }
            int port = ready.get().path("port").asInt();
            applicationId = ready.get().path("app_id").asText();
            log.line("Spark application " + applicationId + " on " + master + ", Spark Connect on 127.0.0.1:" + port);
            follow(output);
            return runScript(port, token, started);
        } catch (IOException e) {
            return failed(started, "cannot start the Python task's Spark driver: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(started, "interrupted while the Python task ran");
        } finally {
            if (process != null) {
                stopDriver(process);
            }
        }
    }

    private AttemptResult runScript(int port, String token, long started) throws IOException, InterruptedException {
        String sessionId = UUID.randomUUID().toString();
        PythonScript running =
                new PythonScript(request, config.workDir().toAbsolutePath(), python, config.name(), log, () -> {});
        synchronized (this) {
            if (cancelReason != null) {
                return cancelled(started);
            }
            script = running;
        }
        try {
            Map<String, Object> values = running.run(
                    request.body(),
                    "sc://localhost:" + port + "/;token=" + token + ";session_id=" + sessionId + ";user_id=kindling",
                    org.apache.spark.package$.MODULE$.SPARK_VERSION(),
                    "Spark Connect session " + sessionId + " of driver " + applicationId);
            if (cancelReason() != null) {
                return cancelled(started);
            }
            log.line("attempt succeeded in " + millisSince(started) + " ms");
            return AttemptResult.succeeded().withValues(values);
        } catch (PythonScript.Failure e) {
            return cancelReason() != null ? cancelled(started) : failed(started, e.getMessage());
        }
    }

    /** Starts the driver JVM and gives it its settings; null when the attempt was cancelled first. */
    private Process startDriver(String token) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(SparkJvmFlags.list());
        // a client-mode driver's memory is its JVM's heap, as spark-submit sets it
        command.add("-Xmx" + sparkConf.getOrDefault("spark.driver.memory", "1g"));
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Dlogback.configurationFile=kindling-agent-logback.xml");
        // logback's own report of how it configured itself is not the attempt's business
        command.add("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PythonDriver.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(config.workDir().toAbsolutePath().toFile())
                .redirectErrorStream(true);
        builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
        Map<String, String> conf = new java.util.LinkedHashMap<>(sparkConf);
        conf.put("spark.connect.grpc.binding.address", "127.0.0.1");
        conf.put("spark.connect.grpc.binding.port", "0");
        conf.put("spark.connect.authenticate.token", token);
        Process process;
        synchronized (this) {
            if (cancelReason != null) {
                return null;
            }
            process = builder.start();
            driver = process;
        }
        log.line("started the Spark driver, process " + process.pid());
        OutputStream stdin = process.getOutputStream();
        stdin.write((JSON.writeValueAsString(Map.of("conf", conf)) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush(); // and left open: the driver ends when it closes
        return process;
    }

    /** Copies the driver's output into the log until its ready line; empty when it ends first. */
    private Optional<JsonNode> awaitReady(BufferedReader output) throws IOException {
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.startsWith(PythonDriver.READY)) {
                return Optional.of(JSON.readTree(line.substring(PythonDriver.READY.length())));
            }
            log.line("[driver] " + line);
        }
        return Optional.empty();
    }

    /** Copies the rest of the driver's output (Spark's warnings and errors) into the log, on a thread of its own. */
    private void follow(BufferedReader output) {
        Thread thread = new Thread(
                () -> {
                    try (output) {
                        for (String line = output.readLine(); line != null; line = output.readLine()) {
                            log.line("[driver] " + line);
                        }
                    } catch (IOException e) {
                        // the driver has ended
                    }
                },
                "kindling-" + config.name() + "-driver-output-" + request.attemptId());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Asks the driver to stop its application (its stdin closed, then SIGTERM, whose shutdown hook stops Spark too),
     * and kills it when it has not within {@link #STOP_WAIT_SECONDS}.
     */
    private void stopDriver(Process process) {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    log.line("killed the Spark driver, process " + process.pid());
                }
            }
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int exitStatus(Process process) throws InterruptedException {
        return process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    private synchronized String cancelReason() {
        return cancelReason;
    }

    private AttemptResult cancelled(long started) {
        String reason = cancelReason();
        log.line("attempt cancelled after " + millisSince(started) + " ms: " + reason);
        return AttemptResult.cancelled(reason);
    }

    private AttemptResult failed(long started, String error) {
        log.line("attempt failed after " + millisSince(started) + " ms: " + error);
        return AttemptResult.failed(error);
    }

    private synchronized void finish(AttemptResult outcome) {
        if (result.isDone()) {
            return;
        }
        onEnd.accept(this);
        if (log != null) {
            log.close();
        }
        result.complete(outcome.masked(request.redactor()));
    }

    private static String token() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }
}
