package io.kindling.executor;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Runs task attempts somewhere: in this JVM, on a Spark cluster, ... The scheduler sees only this interface;
 * implementations are created by an {@link ExecutorFactory} found with {@link java.util.ServiceLoader}.
 *
 * <p>Implementations must be thread-safe: {@link #start} is called from the scheduler's dispatch thread and
 * must return quickly, running the attempt on threads of its own.
 */
public interface Executor extends AutoCloseable {

    /** The name this executor has in config.yml. */
    String name();

    /**
     * Starts an attempt and returns at once. The attempt's log is written to {@code request.logFile()}.
     * Failures of the task are reported through the handle's result, never thrown from here.
     */
    AttemptHandle start(AttemptRequest request);

    /**
     * As {@link #start(AttemptRequest)}; an executor whose attempts run outside the daemon tells {@code listener}
     * the remote id as soon as it has one, before it tracks the attempt.
     */
    default AttemptHandle start(AttemptRequest request, AttemptListener listener) {
        return start(request);
    }

    /**
     * Where people see the Spark application of an attempt of this executor (a History Server's page, a master's
     * application page), when the executor knows one. Cheap: called for each attempt a page shows.
     */
    default Optional<URI> applicationUrl(String sparkAppId) {
        return Optional.empty();
    }

    /** Whether {@link #attach} can resume tracking an attempt a previous life of the daemon started. */
    default boolean canAttach() {
        return false;
    }

    /**
     * Resumes tracking an attempt started earlier (by this daemon before a restart) under {@code remoteId}, without
     * submitting anything. Returns at once; the handle behaves as the one {@link #start} returned. When the
     * cluster does not know {@code remoteId}, the result is FAILED with a message saying it was not found.
     *
     * @throws UnsupportedOperationException when {@link #canAttach()} is false
     */
    default AttemptHandle attach(AttemptRequest request, String remoteId) {
        throw new UnsupportedOperationException("executor '" + name() + "' runs attempts inside the daemon; "
                + "there is nothing to attach to after a restart");
    }

    /**
     * As {@link #attach(AttemptRequest, String)}; an executor whose attempt gets new remote ids as it goes on (a
     * Spark Connect task's later statements) tells {@code listener} each one before it starts what it names.
     */
    default AttemptHandle attach(AttemptRequest request, String remoteId, AttemptListener listener) {
        return attach(request, remoteId);
    }

    /**
     * The daemon is ready (its API serves): an executor may now start in the background what its first attempt
     * would otherwise wait for (the local executor's Spark process, unless its {@code warmup} is {@code lazy}).
     * Returns at once; called once, after the executor was created.
     */
    default void daemonReady() {}

    /**
     * The daemon's lease, given once after the executor was created. An executor whose attempts run in a process of
     * its own on this machine passes it on, so that the process stops them itself when the daemon cannot (a daemon
     * paused by SIGSTOP or a long GC). Attempts running in the daemon's JVM are cancelled by the scheduler when the
     * lease runs out; attempts on a cluster are left running and followed again by their remote id.
     */
    default void lease(Lease lease) {}

    /** Whether the executor can take work now; cheap, called by health checks. */
    HealthStatus health();

    /**
     * Numbers about the executor (a Spark process's heap, its restarts) by name, published as metrics
     * {@code kindling.executor.<name>} tagged with the executor; NaN while unknown. The names are the same on
     * every call; cheap, called at each metrics scrape.
     */
    default Map<String, Double> gauges() {
        return Map.of();
    }

    /**
     * Releases what the executor holds (Spark sessions, connections). Attempts running inside the daemon are
     * cancelled; an executor that can {@link #attach} leaves its cluster jobs running, for the next daemon.
     */
    @Override
    void close();
}
