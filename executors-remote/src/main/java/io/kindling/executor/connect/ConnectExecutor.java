package io.kindling.executor.connect;

import static java.util.Objects.requireNonNull;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptListener;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
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
 * of its own, see {@link ConnectClientLoader}): each attempt in a new session, tagged with its attempt id, each
 * statement one reattachable operation. The attempt's remote id names the session and the running statement's
 * operation ({@link ConnectOperation}); after a restart {@link #attach} follows that operation again and runs the
 * statements after it. Closing lets go of the server without stopping recorded operations.
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
        this.threads = java.util.concurrent.Executors.newCachedThreadPool(
                daemonThreads("kindling-" + config.name() + "-attempt-"));
        this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                daemonThreads("kindling-" + config.name() + "-timer-"));
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
        return launch(request, listener, null);
    }

    @Override
    public boolean canAttach() {
        return true;
    }

    /**
     * Follows the operation {@code remoteId} names (written by an attempt of a previous life) in its session, then
     * runs the task's statements after it; an id the server does not know fails the attempt as not found.
     */
    @Override
    public AttemptHandle attach(AttemptRequest request, String remoteId) {
        return attach(request, remoteId, AttemptListener.NONE);
    }

    /** As {@link #attach(AttemptRequest, String)}; {@code listener} hears the ids of the statements after it. */
    @Override
    public AttemptHandle attach(AttemptRequest request, String remoteId, AttemptListener listener) {
        requireNonNull(request, "request is null");
        requireNonNull(listener, "listener is null");
        requireNonNull(remoteId, "remoteId is null");
        ConnectOperation operation;
        try {
            operation = ConnectOperation.parse(remoteId);
        } catch (IllegalArgumentException e) {
            operation = null;
        }
        if (operation == null) {
            // not one this executor recorded (an older Kindling recorded the bare session id): nothing to follow
            return AttemptHandle.ended(AttemptResult.failed(
                    "remote job not found: '" + remoteId + "' names no Spark Connect operation to follow"));
        }
        return launch(request, listener, operation);
    }

    private ConnectAttempt launch(AttemptRequest request, AttemptListener listener, ConnectOperation resumed) {
        if (closed) {
            throw new IllegalStateException("executor '" + config.name() + "' is closed");
        }
        ConnectAttempt attempt = new ConnectAttempt(
                request,
                config,
                options,
                listener,
                clock,
                timer,
                ended -> attempts.remove(ended.attemptId(), ended),
                resumed);
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
        return options.unreachable()
                .map(HealthStatus::unhealthy)
                .orElseGet(() -> HealthStatus.ok("Spark Connect server " + options.url() + " accepts connections; "
                        + attempts.size() + " attempts running"));
    }

    /**
     * Lets go of the attempts whose operation is recorded (it goes on on the server, for the next daemon to follow)
     * and interrupts the others, then stops the threads.
     */
    @Override
    public void close() {
        closed = true;
        for (ConnectAttempt attempt : List.copyOf(attempts.values())) {
            if (attempt.remoteId().isPresent()) {
                attempt.detach();
            } else {
                attempt.cancel("executor '" + config.name() + "' is closing");
            }
        }
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
