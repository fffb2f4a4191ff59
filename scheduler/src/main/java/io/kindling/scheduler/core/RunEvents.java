package io.kindling.scheduler.core;

import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.model.RunState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** The engine's listeners, told of each change on the engine thread once it has been written. */
final class RunEvents {
    private final List<RunListener> listeners = new CopyOnWriteArrayList<>();

    void add(RunListener listener) {
        listeners.add(listener);
    }

    void runChanged(ActiveRun run, RunState state, Optional<String> error) {
        for (RunListener l : listeners) {
            l.runChanged(run.runId(), run.pipeline.id(), state, error);
        }
    }

    void taskChanged(ActiveRun run, TaskSlot task, Optional<String> error) {
        String taskId = run.dag.tasks.get(task.index).id();
        for (RunListener l : listeners) {
            l.taskChanged(run.runId(), taskId, task.state(), task.attempts, error);
        }
    }

    void attemptStarted(ActiveRun run, String taskId, String executor, int attempt, Duration queueWait) {
        for (RunListener l : listeners) {
            l.attemptStarted(run.runId(), run.pipeline.id(), taskId, executor, attempt, queueWait);
        }
    }

    void attemptMeasured(ActiveRun run, String taskId, SparkMetrics metrics) {
        for (RunListener l : listeners) {
            l.attemptMeasured(run.runId(), run.pipeline.id(), taskId, metrics);
        }
    }

    void runDropped(ActiveRun run) {
        for (RunListener l : listeners) {
            l.runDropped(run.runId(), run.pipeline.id());
        }
    }
}
