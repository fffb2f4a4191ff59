package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.AttemptHandle;
import io.kindling.scheduler.db.RunRecord;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/** A run the engine is driving. Touched only on the engine thread, so nothing here is synchronised. */
final class ActiveRun {
    final RunRecord run;
    final Pipeline pipeline;
    final Dag dag;
    final TemplateContext templates;
    final TaskSlot[] tasks;
    int unfinished;

    ActiveRun(RunRecord run, Pipeline pipeline, TemplateContext templates) {
        this.run = run;
        this.pipeline = pipeline;
        this.dag = Dag.of(pipeline);
        this.templates = templates;
        this.tasks = new TaskSlot[dag.size()];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = new TaskSlot(i, dag.upstream[i].length);
        }
        this.unfinished = tasks.length;
    }

    String runId() {
        return run.runId();
    }

    /** The engine's view of one task of the run. */
    static final class TaskSlot {
        final int index;
        TaskState state = TaskState.QUEUED;
        int pendingUpstream;
        int attempts;
        Instant readyAt;
        String attemptId;
        AttemptHandle handle;
        boolean timedOut;
        ScheduledFuture<?> timeout;

        TaskSlot(int index, int pendingUpstream) {
            this.index = index;
            this.pendingUpstream = pendingUpstream;
        }
    }
}
