package io.kindling.scheduler.core;

import io.kindling.executor.AttemptListener;
import io.kindling.executor.Executor;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.AttemptRecord;
import java.util.Map;
import java.util.Optional;

/**
 * Attempts that run on a cluster, across restarts of the daemon: their remote id (driver, operation) is written
 * to the run history as soon as the cluster accepts them, and an attempt a previous life left RUNNING is
 * followed again by that id, instead of being failed and submitted a second time, when its executor can.
 */
final class RemoteAttempts {
    private final RunStore store;
    private final Map<String, Executor> executors;

    RemoteAttempts(RunStore store, Map<String, Executor> executors) {
        this.store = store;
        this.executors = Map.copyOf(executors);
    }

    /** Records the remote id synchronously: the executor tracks the attempt only once it is stored. */
    AttemptListener listener(String attemptId) {
        return remoteId -> store.recordRemoteId(attemptId, remoteId);
    }

    Map<String, String> remoteIds(String runId) {
        return store.remoteIdsOfRun(runId);
    }

    /** The remote id to follow a RUNNING attempt of a previous life by; empty when it must be failed instead. */
    Optional<String> followable(AttemptRecord attempt, Map<String, String> remoteIds) {
        Executor executor = executors.get(attempt.executor());
        if (executor == null || !executor.canAttach()) {
            return Optional.empty();
        }
        return Optional.ofNullable(remoteIds.get(attempt.attemptId()));
    }

    /** A re-attached attempt waiting for the engine to follow it (set by recovery, taken by the engine). */
    record Reattach(ActiveRun.TaskSlot task, AttemptRecord attempt, String remoteId) {}
}
