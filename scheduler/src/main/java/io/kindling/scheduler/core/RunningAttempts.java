package io.kindling.scheduler.core;

import io.kindling.executor.AttemptHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attempts running on executors that cannot follow them again after this daemon lets go (in the daemon's JVM or
 * its Spark processes), by attempt id. Thread-safe: a fenced daemon cancels them from its lease watcher, whatever
 * the engine thread is waiting for.
 */
final class RunningAttempts {
    private final Map<String, AttemptHandle> running = new ConcurrentHashMap<>();

    void started(String attemptId, AttemptHandle handle) {
        running.put(attemptId, handle);
        handle.result().whenComplete((result, error) -> running.remove(attemptId, handle));
    }

    /** Cancels every one; returns how many. */
    int cancelAll(String reason) {
        int cancelled = 0;
        for (AttemptHandle handle : running.values()) {
            handle.cancel(reason);
            cancelled++;
        }
        return cancelled;
    }
}
