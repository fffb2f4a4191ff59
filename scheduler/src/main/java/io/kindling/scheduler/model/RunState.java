package io.kindling.scheduler.model;

import java.util.EnumSet;
import java.util.Set;

/** A run's life, written down once: every transition the engine makes is checked against this table. */
public enum RunState {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    private Set<RunState> next;

    static {
        QUEUED.next = EnumSet.of(RUNNING, CANCELLED, FAILED);
        RUNNING.next = EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
        // a repair reopens a finished run; it then waits its turn like a new one
        SUCCEEDED.next = EnumSet.of(QUEUED);
        FAILED.next = EnumSet.of(QUEUED);
        CANCELLED.next = EnumSet.of(QUEUED);
    }

    public boolean canMoveTo(RunState target) {
        return next.contains(target);
    }

    /** Throws when the table above does not allow {@code this -> target}: a bug in the engine, never user input. */
    public RunState checkMove(RunState target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateException("a run cannot go from " + this + " to " + target);
        }
        return target;
    }

    /** Finished: only a repair moves it on. */
    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
