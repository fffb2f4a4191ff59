package io.kindling.scheduler.core;

import io.kindling.executor.Executor;
import java.util.ArrayDeque;

/** An executor with its free task slots and the tasks waiting for one, first come first served. */
final class ExecutorSlots {
    final Executor executor;
    int free;
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

    record Waiting(ActiveRun run, ActiveRun.TaskSlot task) {
    }

    ExecutorSlots(Executor executor, int slots) {
        this.executor = executor;
        this.free = slots;
    }
}
