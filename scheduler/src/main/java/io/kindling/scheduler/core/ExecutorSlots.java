package io.kindling.scheduler.core;

import io.kindling.executor.Executor;
import java.util.ArrayDeque;

/**
 * An executor with its free task slots and the tasks waiting for one, first come first served, except that
 * backfill tasks take a slot only when no other task wants it.
 */
final class ExecutorSlots {
    final Executor executor;
    final int capacity;
    /** Written on the engine thread only; volatile so that a metrics scrape reads a current value. */
    volatile int free;

    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private final ArrayDeque<Waiting> waitingBackfill = new ArrayDeque<>();

    record Waiting(ActiveRun run, ActiveRun.TaskSlot task) {}

    ExecutorSlots(Executor executor, int slots) {
        this.executor = executor;
        this.capacity = slots;
        this.free = slots;
    }

    void add(Waiting w) {
        (w.run().lane.backfill() ? waitingBackfill : waiting).add(w);
    }

    /** The next task in line, or null. */
    Waiting poll() {
        Waiting next = waiting.poll();
        return next != null ? next : waitingBackfill.poll();
    }
}
