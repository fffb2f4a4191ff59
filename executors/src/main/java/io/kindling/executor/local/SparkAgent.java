package io.kindling.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptJson;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main class of the local executor's Spark process: it connects back to the daemon on loopback, proves it
 * was started by it with the secret read from stdin, then runs the attempts it is sent on an in-process
 * {@link LocalSparkExecutor} (one warm SparkSession, a session per attempt) and reports how each ended. When
 * the daemon goes away (its socket closes), the process cancels what runs and exits: nothing outlives it. When the
 * daemon's lease runs out before the daemon renews it (the daemon is paused, or cannot reach its database), the
 * process cancels what runs and starts nothing until a new lease comes: another daemon may be about to run those
 * tasks again.
 */
public final class SparkAgent {
    private static final Logger LOG = LoggerFactory.getLogger(SparkAgent.class);
    /** How long stopping Spark may take after the attempts ended, before the JVM is halted. */
    private static final long EXIT_MARGIN_MILLIS = 10_000;
    /**
     * Added to the lease the daemon sends: the daemon fences itself when the lease runs out, and its own cancel must
     * come first, so that the attempt is not reported cancelled (and not retried) while the daemon still drives it.
     */
    private static final long LEASE_SLACK_MILLIS = 500;

    private static final long LEASE_CHECK_MILLIS = 100;
    private static final String LEASE_RAN_OUT = "the daemon's lease ran out (it is paused, or cannot reach its "
            + "database): stopped so that no other daemon runs the task at the same time";
    /**
     * Attempts stopped because the lease ran out: reported FAILED, retried by their policy, not CANCELLED as if someone
     * had cancelled their run (a daemon that wakes before anyone took it for dead may record the result).
     */
    private final java.util.Set<String> leaseStopped = ConcurrentHashMap.newKeySet();

    private final AgentFrames frames;
    private final LocalSparkExecutor executor;
    private final Map<String, AttemptHandle> running = new ConcurrentHashMap<>();
    private final long exitGraceMillis;
    /** While the warm-up runs, the process does not say it is warm. */
    private volatile boolean warming;
    /** The daemon's lease as last told; until the first one comes, the process does not run out. */
    private volatile AgentLease lease = new AgentLease(System.nanoTime(), TimeUnit.DAYS.toMillis(1));

    private record AgentLease(long fromNanos, long millis) {
        boolean ranOut() {
            return System.nanoTime() - fromNanos > TimeUnit.MILLISECONDS.toNanos(millis + LEASE_SLACK_MILLIS);
        }
    }

    private SparkAgent(AgentFrames frames, LocalSparkExecutor executor, long exitGraceMillis) {
        this.frames = frames;
        this.executor = executor;
        this.exitGraceMillis = exitGraceMillis;
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        String secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        AgentFrames frames = new AgentFrames(new Socket(InetAddress.getLoopbackAddress(), port));
        frames.send(AgentFrames.message("hello")
                .put("secret", secret)
                .put("pid", ProcessHandle.current().pid()));
        JsonNode config = frames.read();
        if (!config.path("type").asText().equals("config")) {
            throw new IOException(
                    "expected the executor's config, got " + config.path("type").asText());
        }
        ExecutorConfig executorConfig = new ExecutorConfig(
                config.path("name").asText(),
                "local",
                config.path("slots").asInt(),
                Path.of(config.path("work_dir").asText()),
                AttemptJson.strings(config.path("spark_conf")),
                AttemptJson.strings(config.path("options")));
        LocalSparkExecutor executor = new LocalSparkExecutor(executorConfig, Clock.systemUTC());
        SparkAgent agent =
                new SparkAgent(frames, executor, config.path("exit_grace_ms").asLong(10_000));
        if (config.path("warm").asBoolean()) {
            agent.warming = true;
            Thread warm = new Thread(agent::warmUp, "kindling-agent-warm-up");
            warm.setDaemon(true);
            warm.start();
        }
        agent.watchLease();
        agent.serve();
    }

    private void watchLease() {
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "kindling-agent-lease");
                    t.setDaemon(true);
                    return t;
                })
                .scheduleWithFixedDelay(
                        this::cancelIfLeaseRanOut, LEASE_CHECK_MILLIS, LEASE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void cancelIfLeaseRanOut() {
        if (running.isEmpty() || !lease.ranOut()) {
            return;
        }
        running.forEach((attemptId, handle) -> {
            if (leaseStopped.add(attemptId)) { // each once: the check comes again until they have ended
                handle.cancel(LEASE_RAN_OUT);
                LOG.warn("attempt {}: {}", attemptId, LEASE_RAN_OUT);
            }
        });
    }

    /** Warms Spark up, then tells the daemon at once (rather than at its next status request). */
    private void warmUp() {
        try {
            executor.warmUp();
            // The warm-up leaves a heap of garbage behind; one full GC now lets the heap shrink to the live set
            // (SparkProcess's MaxHeapFreeRatio), so the idle process holds about 150 MiB less.
            System.gc();
        } finally {
            warming = false;
            try {
                frames.send(status());
            } catch (IOException e) {
                LOG.debug("cannot report the warm-up's end: {}", e.toString());
            }
        }
    }

    private void serve() {
        try {
            while (true) {
                JsonNode message = frames.read();
                switch (message.path("type").asText()) {
                    case "start" -> start(message);
                    case "cancel" -> {
                        AttemptHandle handle =
                                running.get(message.path("attempt_id").asText());
                        if (handle != null) {
                            handle.cancel(message.path("reason").asText());
                        }
                    }
                    case "lease" -> {
                        lease = new AgentLease(
                                System.nanoTime(), message.path("remaining_ms").asLong());
                    }
                    case "status" -> frames.send(status());
                    case "shutdown" -> {
                        exit("the daemon asked it to stop");
                        return;
                    }
                    default ->
                        LOG.warn(
                                "unknown message type '{}'",
                                message.path("type").asText());
                }
            }
        } catch (EOFException e) {
            exit("the daemon closed the connection");
        } catch (IOException | RuntimeException e) {
            exit("the connection to the daemon failed: " + e);
        }
    }

    private void start(JsonNode message) throws IOException {
        AttemptRequest request;
        try {
            request = AttemptJson.decode(
                    message.path("request"),
                    AttemptJson.strings(message.path("spark_conf")),
                    Path.of(message.path("log_file").asText()));
        } catch (RuntimeException e) {
            frames.send(result(
                    message.path("request").path("attempt_id").asText(),
                    AttemptResult.failed("the Spark process could not read the task: " + e.getMessage())));
            return;
        }
        if (lease.ranOut()) {
            frames.send(result(
                    request.attemptId(),
                    AttemptResult.failed("the daemon's lease ran out before the attempt could start")));
            return;
        }
        AttemptHandle handle = executor.start(request);
        running.put(request.attemptId(), handle);
        handle.result().whenComplete((outcome, failure) -> {
            running.remove(request.attemptId(), handle);
            AttemptResult ended =
                    outcome != null ? outcome : AttemptResult.failed("the attempt ended abnormally: " + failure);
            if (leaseStopped.remove(request.attemptId()) && ended.outcome() == AttemptResult.Outcome.CANCELLED) {
                ended = AttemptResult.failed(LEASE_RAN_OUT);
            }
            ObjectNode frame = result(request.attemptId(), ended);
            handle.sparkApplicationId().ifPresent(id -> frame.put("app_id", id));
            try {
                frames.send(frame);
            } catch (IOException e) {
                LOG.warn("attempt {}: cannot report its result to the daemon: {}", request.attemptId(), e.toString());
            }
        });
    }

    private static ObjectNode result(String attemptId, AttemptResult result) {
        ObjectNode frame = AgentFrames.message("result")
                .put("attempt_id", attemptId)
                .put("outcome", result.outcome().name());
        result.error().ifPresent(error -> frame.put("error", error));
        result.sparkMetrics().ifPresent(metrics -> frame.set("metrics", AgentFrames.JSON.valueToTree(metrics)));
        if (!result.values().isEmpty()) {
            frame.put("values", io.kindling.executor.TaskValuesJson.encode(result.values()));
        }
        return frame;
    }

    private ObjectNode status() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return AgentFrames.message("status")
                .put("heap_used", heap.getUsed())
                .put("heap_max", heap.getMax())
                .put("running", running.size())
                .put("health", executor.health().message())
                .put("warm", !warming && executor.sparkStarted());
    }

    /**
     * Cancels what runs, waits for it up to the daemon's cancel grace period, and exits; Spark's shutdown hook
     * stops the SparkContext. A JVM that does not get that far within a few more seconds is halted.
     */
    private void exit(String why) {
        LOG.info("Spark process exiting: {}", why);
        CompletableFuture.delayedExecutor(exitGraceMillis + EXIT_MARGIN_MILLIS, TimeUnit.MILLISECONDS)
                .execute(() -> Runtime.getRuntime().halt(0));
        frames.close();
        List<CompletableFuture<AttemptResult>> ending = running.values().stream()
                .map(handle -> {
                    handle.cancel(why);
                    return handle.result().toCompletableFuture();
                })
                .toList();
        try {
            CompletableFuture.allOf(ending.toArray(CompletableFuture[]::new))
                    .get(exitGraceMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Spark process exiting with attempts still running: {}", e.toString());
        }
        System.exit(0);
    }
}
