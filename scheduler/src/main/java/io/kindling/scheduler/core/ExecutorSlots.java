package io.kindling.scheduler.core;

import io.kindling.executor.Executor;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;

/** An executor with its free task slots and the tasks waiting for one. */
final class ExecutorSlots extends Places {
    final Executor executor;

    ExecutorSlots(Executor executor, int slots) {
        super(slots);
        this.executor = executor;
    }

    @Override
    void hold(TaskSlot task, boolean holds) {
        task.holdsSlot = holds;
    }
}
