package io.kindling.executor.connect;

import static java.util.Objects.requireNonNull;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptListener;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.HealthStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs SQL tasks through a long-running Spark Connect server with Spark's JVM client (isolated in a class loader
 * of its own, see {@link ConnectClientLoader}): each attempt in a new session, tagged with its attempt id. The
 * attempt's remote id is its session id; a Connect operation does not outlive its client, so after a restart
 * such attempts are failed and retried rather than followed ({@link #canAttach()} is false).
 */
public final class ConnectExecutor implements Executor {
    private final ExecutorConfig config;
    private final ConnectOptions options;
    private final Clock clock;
    private final ExecutorService threads;
    private final ScheduledExecutorService timer;
    private final Map<String, ConnectAttempt> attempts = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** Connects to nothing: an unreachable server fails the health check and the attempts, not the creation. */
    public ConnectExecutor(ExecutorConfig config, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.options = ConnectOptions.from(config);
        this.threads = java.util.concurrent.Executors.newCachedThreadPool(daemonThreads("kindling-" + config.name()
                + "-attempt-"));
        this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(daemonThreads("kindling-"
                + config.name() + "-timer-"));
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
        if (closed) {
            throw new IllegalStateException("executor '" + config.name() + "' is closed");
        }
        ConnectAttempt attempt = new ConnectAttempt(request, config, options, listener, clock, timer,
                ended -> attempts.remove(ended.attemptId(), ended));
        attempts.put(request.attemptId(), attempt);
        threads.execute(attempt);
        return attempt;
    }

    /** The server accepts connections: cheap, and it opens no session. */
    @Override
    public HealthStatus health() {
        if (closed) {
            return HealthStatus.unhealthy("executor '" + config.name() + "' is closed");
        }
        return options.unreachable().map(HealthStatus::unhealthy).orElseGet(() -> HealthStatus.ok(
                "Spark Connect server " + options.url() + " accepts connections; " + attempts.size()
                        + " attempts running"));
    }

    /** Interrupts what runs (their operations on the server), then stops the threads. */
    @Override
    public void close() {
        closed = true;
        List.copyOf(attempts.values()).forEach(attempt -> attempt.cancel("executor '" + config.name()
                + "' is closing"));
        threads.shutdown();
        timer.shutdown();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
