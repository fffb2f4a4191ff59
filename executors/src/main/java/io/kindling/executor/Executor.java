package io.kindling.executor;

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

    /** Whether the executor can take work now; cheap, called by health checks. */
    HealthStatus health();

    /** Releases what the executor holds (Spark sessions, connections); running attempts are cancelled. */
    @Override
    void close();
}
