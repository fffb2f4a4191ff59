package io.kindling.scheduler.core;

import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Places that attempts hold while they run (an executor's task slots, a pool's places) and the tasks waiting for one:
 * higher {@code priority} first; among equals, backfill tasks only when no other task waits, then first come first
 * served. Touched on the engine thread only, but {@link #free}, which a gauge reads.
 */
abstract class Places {
    final int capacity;
    /** Volatile so that a metrics scrape reads a current value. */
    volatile int free;
    /**
     * The history said other daemons' attempts fill these places when a start here was refused: none is handed out
     * until it is asked again (soon, or when an attempt of this daemon gives one back).
     */
    boolean fullElsewhere;
    /** A look at the history is due for these places, after a refused start. */
    boolean recheckDue;

    private final PriorityQueue<Entry> waiting = new PriorityQueue<>(ORDER);
    private long arrivals;
    private long refused;

    record Waiting(ActiveRun run, TaskSlot task) {}

    private record Entry(Waiting waiting, int priority, boolean backfill, long arrival) {}

    private static final Comparator<Entry> ORDER = Comparator.comparingInt((Entry e) -> -e.priority)
            .thenComparing(Entry::backfill)
            .thenComparingLong(Entry::arrival);

    Places(int capacity) {
        this.capacity = capacity;
        this.free = capacity;
    }

    /** Marks the task as holding one of these places, or no longer. */
    abstract void hold(TaskSlot task, boolean holds);

    void add(Waiting w) {
        waiting.add(entry(w, arrivals++));
    }

    /** Puts a task whose start was refused ahead of those of its priority that came after it. */
    void addFirst(Waiting w) {
        waiting.add(entry(w, Long.MIN_VALUE + refused++));
    }

    private static Entry entry(Waiting w, long arrival) {
        return new Entry(
                w,
                w.run().dag.tasks.get(w.task().index).priority(),
                w.run().lane.backfill(),
                arrival);
    }

    /** The next task in line, or null. */
    Waiting poll() {
        Entry next = waiting.poll();
        return next == null ? null : next.waiting;
    }

    boolean hasWaiting() {
        return !waiting.isEmpty();
    }
}
