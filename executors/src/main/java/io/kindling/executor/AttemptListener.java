package io.kindling.executor;

/** Hears from an executor about an attempt that runs outside the daemon. */
@FunctionalInterface
public interface AttemptListener {
    AttemptListener NONE = remoteId -> { };

    /**
     * The cluster accepted the attempt under {@code remoteId} (a driver id, an operation id). Called once, on the
     * executor's thread, right after submission and before the executor tracks the attempt: a scheduler records
     * the id here, so that after a restart it can {@link Executor#attach} instead of submitting again. If this
     * throws, the executor kills the remote job and fails the attempt.
     */
    void submitted(String remoteId);
}
