package io.kindling.scheduler.core;

import java.util.EnumSet;
import java.util.Set;

/** A run's life, written down once: every transition the engine makes is checked against this table. */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    private Set<RunState> next;

    static {
        QUEUED.next = EnumSet.of(RUNNING, CANCELLED, FAILED);
        RUNNING.next = EnumSet.of(SUCCEEDED, FAILED, CANCELLED);
        SUCCEEDED.next = EnumSet.noneOf(RunState.class);
        FAILED.next = EnumSet.noneOf(RunState.class);
        CANCELLED.next = EnumSet.noneOf(RunState.class);
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

    public boolean terminal() {
        return next.isEmpty();
    }
}
