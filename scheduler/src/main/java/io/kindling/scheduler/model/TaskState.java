package io.kindling.scheduler.model;

import java.util.EnumSet;
import java.util.Set;

/**
 * A task run's life (and, for the subset RUNNING and the terminal states, an attempt's). QUEUED covers both
 * "waiting for upstream tasks" and "ready, waiting for an executor slot".
 */
public enum TaskState {
    QUEUED,
    RUNNING,
    UP_FOR_RETRY,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    CANCELLED,
    SKIPPED,
    UPSTREAM_FAILED;

    private Set<TaskState> next;

    static {
        QUEUED.next = EnumSet.of(RUNNING, UPSTREAM_FAILED, SKIPPED, CANCELLED, FAILED);
        RUNNING.next = EnumSet.of(SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, UP_FOR_RETRY);
        UP_FOR_RETRY.next = EnumSet.of(QUEUED, CANCELLED);
        for (TaskState s : EnumSet.range(SUCCEEDED, UPSTREAM_FAILED)) {
            s.next = EnumSet.of(QUEUED); // a repair runs it again
        }
    }

    public boolean canMoveTo(TaskState target) {
        return next.contains(target);
    }

    /** Throws when the table above does not allow {@code this -> target}: a bug in the engine, never user input. */
    public TaskState checkMove(TaskState target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateException("a task cannot go from " + this + " to " + target);
        }
        return target;
    }

    /** Ended: only a repair moves it on. */
    public boolean terminal() {
        return compareTo(SUCCEEDED) >= 0;
    }
}
