package io.kindling.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.SparkMetrics;
import io.kindling.executor.spark.SparkJvmFlags;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One life of a local executor's Spark process, from the daemon's side: the child JVM running {@link SparkAgent},
 * the authenticated loopback connection to it, a thread reading its messages and one reading its output into the
 * daemon's log. When the connection ends, the process is waited for and the listener told once why it ended.
 */
final class SparkProcess {
    private static final Logger LOG = LoggerFactory.getLogger(SparkProcess.class);
    /** Spark's exit code for an OutOfMemoryError in a task (SparkExitCode.OOM). */
    private static final int SPARK_OOM_EXIT = 52;

    private static final int OUTPUT_TAIL_LINES = 40;

    /** Hears what the process says, on its reader thread. */
    interface Listener {
        void result(SparkProcess process, String attemptId, AttemptResult result, Optional<String> applicationId);

        void status(SparkProcess process, JsonNode status);

        /** Called once, when the process has ended (or been given up on); {@code why} is for people. */
        void exited(SparkProcess process, String why);
    }

    private final String executorName;
    private final Process process;
    private final AgentFrames frames;
    private final String heap;
    private final Listener listener;
    private final long startedNanos = System.nanoTime();
    private final Deque<String> outputTail = new ArrayDeque<>();
    private volatile String killReason;
    private volatile boolean ended;
    private volatile boolean stopping;

    private SparkProcess(String executorName, Process process, AgentFrames frames, String heap, Listener listener) {
        this.executorName = executorName;
        this.process = process;
        this.frames = frames;
        this.heap = heap;
        this.listener = listener;
    }

    /**
     * Starts the child JVM in {@code workDir}, waits for it to connect back with the secret given on its stdin,
     * and sends it {@code config}. Throws when it does not connect within {@code startTimeout}.
     */
    static SparkProcess start(
            String executorName,
            Path workDir,
            String heap,
            List<String> jvmFlags,
            Map<String, String> environment,
            ObjectNode config,
            Duration startTimeout,
            Listener listener)
            throws IOException {
        String secret = secret();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(SparkJvmFlags.list());
            command.add("-Xmx" + heap);
            // An OutOfMemoryError in any thread ends the process, rather than leaving a half-broken Spark behind.
            command.add("-XX:+ExitOnOutOfMemoryError");
            command.add("-Dlogback.configurationFile=kindling-agent-logback.xml");
            // The heap gives back what a GC freed beyond 30% (the warm-up's garbage, a big query's): an idle warm
            // process holds its live set, not its high-water mark. The executor's jvmFlags come after, and win.
            command.add("-XX:MinHeapFreeRatio=10");
            command.add("-XX:MaxHeapFreeRatio=30");
            // What malloc freed (Spark's start and each query's native buffers) goes back to the system every 10 s.
            command.add("-XX:TrimNativeHeapInterval=10000");
            command.addAll(jvmFlags);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(SparkAgent.class.getName());
            command.add(Integer.toString(server.getLocalPort()));
            Files.createDirectories(workDir);
            ProcessBuilder builder =
                    new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
            // glibc's default of 8 malloc arenas a core holds tens of MiB for Spark's many threads, for no speed
            // a local session notices; a value the daemon was given wins
            builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
            builder.environment().putAll(environment);
            Process process = builder.start();
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write((secret + "\n").getBytes(StandardCharsets.UTF_8));
            }
            SparkProcess started = null;
            try {
                AgentFrames frames = accept(server, secret, process, startTimeout);
                frames.send(config);
                started = new SparkProcess(executorName, process, frames, heap, listener);
                started.follow();
                return started;
            } finally {
                if (started == null) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** Accepts the child's connection; anything else on the port that does not know the secret is dropped. */
    private static AgentFrames accept(ServerSocket server, String secret, Process process, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0 || !process.isAlive()) {
                throw new IOException(
                        process.isAlive()
                                ? "the Spark process did not connect within " + timeout.toSeconds() + " s"
                                : "the Spark process exited with status " + process.exitValue()
                                        + " before it connected: "
                                        + String.join(" | ", lastLines(process.getInputStream())));
            }
            server.setSoTimeout((int) Math.min(left, 1_000));
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            AgentFrames frames = new AgentFrames(socket);
            try {
                socket.setSoTimeout((int) Math.max(1, Math.min(left, 10_000)));
                JsonNode hello = frames.read();
                boolean ours = hello.path("type").asText().equals("hello")
                        && MessageDigest.isEqual(
                                hello.path("secret").asText().getBytes(StandardCharsets.UTF_8),
                                secret.getBytes(StandardCharsets.UTF_8))
                        && hello.path("pid").asLong() == process.pid();
                if (ours) {
                    socket.setSoTimeout(0);
                    return frames;
                }
                LOG.warn("a connection to the Spark process's port did not present its secret; dropped");
            } catch (IOException e) {
                LOG.warn("a connection to the Spark process's port failed before its greeting: {}", e.toString());
            }
            frames.close();
        }
    }

    private static List<String> lastLines(InputStream output) {
        Deque<String> lines = new ArrayDeque<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.addLast(line);
                if (lines.size() > 5) {
                    lines.removeFirst();
                }
            }
        } catch (IOException e) {
            lines.add("(output unreadable: " + e.getMessage() + ")");
        }
        return List.copyOf(lines);
    }

    private static String secret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void follow() {
        Thread output = new Thread(this::pumpOutput, "kindling-" + executorName + "-spark-process-output");
        output.setDaemon(true);
        output.start();
        Thread reader = new Thread(this::readMessages, "kindling-" + executorName + "-spark-process-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void pumpOutput() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                LOG.info("[{} Spark process {}] {}", executorName, process.pid(), line);
                synchronized (outputTail) {
                    outputTail.addLast(line);
                    if (outputTail.size() > OUTPUT_TAIL_LINES) {
                        outputTail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; its exit is reported by the reader
        }
    }

    private void readMessages() {
        try {
            while (true) {
                JsonNode message = frames.read();
                switch (message.path("type").asText()) {
                    case "result" ->
                        listener.result(
                                this,
                                message.path("attempt_id").asText(),
                                result(message),
                                Optional.ofNullable(message.get("app_id")).map(JsonNode::asText));
                    case "status" -> listener.status(this, message);
                    default ->
                        LOG.warn(
                                "executor '{}': unknown message '{}' from the Spark process",
                                executorName,
                                message.path("type").asText());
                }
            }
        } catch (IOException | RuntimeException e) {
            frames.close();
            String why;
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
                why = describeExit();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                why = "the Spark process's connection ended";
            }
            if (stopping) { // asked to: a normal end
                LOG.info(
                        "executor '{}': Spark process {} stopped after {} s: {}",
                        executorName,
                        process.pid(),
                        uptime().toSeconds(),
                        why);
            } else {
                LOG.warn(
                        "executor '{}': Spark process {} ended after {} s: {}",
                        executorName,
                        process.pid(),
                        uptime().toSeconds(),
                        why);
            }
            ended = true;
            listener.exited(this, why);
        }
    }

    private static AttemptResult result(JsonNode message) {
        AttemptResult.Outcome outcome =
                AttemptResult.Outcome.valueOf(message.path("outcome").asText());
        Optional<String> error = Optional.ofNullable(message.get("error")).map(JsonNode::asText);
        return new AttemptResult(
                outcome,
                outcome == AttemptResult.Outcome.SUCCEEDED
                        ? Optional.empty()
                        : Optional.of(error.orElse(outcome.name().toLowerCase(java.util.Locale.ROOT))),
                metrics(message.get("metrics")),
                Optional.ofNullable(message.get("values"))
                        .map(v -> io.kindling.executor.TaskValuesJson.decode(v.asText()))
                        .orElse(java.util.Map.of()));
    }

    /** A result's metrics; ones this daemon cannot read are dropped (the attempt's outcome still counts). */
    private static Optional<SparkMetrics> metrics(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        try {
            return Optional.of(SparkMetrics.fromJson(node.toString()));
        } catch (IllegalArgumentException e) {
            LOG.warn("the Spark process sent metrics that cannot be read: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** Why the process ended, for the attempts it was running. */
    private String describeExit() {
        if (killReason != null) {
            return killReason;
        }
        if (process.isAlive()) {
            return "the Spark process's connection ended";
        }
        int code = process.exitValue();
        List<String> tail;
        synchronized (outputTail) {
            tail = List.copyOf(outputTail);
        }
        if (code == SPARK_OOM_EXIT || tail.stream().anyMatch(line -> line.contains("OutOfMemoryError"))) {
            return "the Spark process ran out of memory (heap " + heap + ")";
        }
        if (code > 128) {
            return "the Spark process was killed by signal " + (code - 128);
        }
        return "the Spark process exited with status " + code
                + (tail.isEmpty() ? "" : " (its last output: " + tail.get(tail.size() - 1) + ")");
    }

    /** Sends a message; false when the connection is gone (the reader reports the exit). */
    boolean send(ObjectNode message) {
        try {
            frames.send(message);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Closes the connection as a daemon that dies does: the agent then cancels its attempts and exits by itself.
     */
    void disconnect() {
        frames.close();
    }

    /** Ends the process now; attempts on it are told {@code why}. */
    void kill(String why) {
        if (killReason == null) {
            killReason = why;
        }
        process.destroyForcibly();
        frames.close();
    }

    /** Asks the agent to cancel its attempts and exit; kills it when it has not within {@code grace}. */
    void stop(Duration grace, String why) {
        killReason = why;
        stopping = true;
        send(AgentFrames.message("shutdown"));
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Whether its end was reported to the listener. */
    boolean ended() {
        return ended;
    }

    long pid() {
        return process.pid();
    }

    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** The process's resident memory from /proc, or -1 where there is none. */
    long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or the process just ended
        }
        return -1;
    }
}
