package io.kindling.executor;

/** Hears from an executor about an attempt that runs outside the daemon. */
@FunctionalInterface
public interface AttemptListener {
    AttemptListener NONE = remoteId -> {};

    /**
     * The cluster accepted the attempt under {@code remoteId} (a driver id, an operation id), or is about to run
     * it under that id. Called on the executor's thread, before the executor tracks what the id names: a scheduler
     * records the id here, so that after a restart it can {@link Executor#attach} instead of submitting again. A
     * standalone driver calls it once; a Spark Connect attempt once per statement, each id replacing the last.
     * If this throws, the executor kills the remote job (or does not start it) and fails the attempt.
     */
    void submitted(String remoteId);
}
