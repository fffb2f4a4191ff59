package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Task;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.Redactor;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
import io.kindling.scheduler.model.TriggerType;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/** A run the engine is driving. Touched only on the engine thread, so nothing here is synchronised. */
final class ActiveRun {
    final RunRecord run;
    final Pipeline pipeline;
    final Dag dag;
    final TemplateContext templates;
    /** Grows by the iterations of the run's for-each tasks ({@link #addIteration}). */
    TaskSlot[] tasks;

    final Lane lane;
    /** 0 for the run's first pass; the number of the repair being run otherwise. */
    int repairNumber;

    int unfinished;
    /** Changed only by {@link #moveTo}. */
    private RunState state;
    /** Set by cancel: nothing new starts, nothing is retried, the run ends CANCELLED. */
    boolean cancelling;
    /** The run is no longer this daemon's (adopted by another, or left for the next start): nothing more is done. */
    boolean abandoned;
    /** Attempts recovery found running on a cluster, for the engine to follow again. */
    final List<RemoteAttempts.Reattach> reattach = new java.util.ArrayList<>();

    /** A run to drive with the given definition, its templates rendered for its id, logical time and params. */
    static ActiveRun of(RunRecord run, Pipeline pipeline, Lane lane) {
        return of(run, pipeline, lane, List.of());
    }

    /** As {@link #of(RunRecord, Pipeline, Lane)}, for a run that {@code files} started ({@code trigger.files}). */
    static ActiveRun of(RunRecord run, Pipeline pipeline, Lane lane, List<TriggerFile> files) {
        TemplateContext context =
                TemplateContext.of(pipeline, run.runId(), run.logicalTime(), pipeline.zone(), run.params());
        if (!files.isEmpty()) {
            context = context.withTriggerFiles(
                    files.stream().map(TriggerFile::path).sorted().toList());
        }
        return new ActiveRun(run, pipeline, context, lane);
    }

    /** {@link #of(RunRecord, Pipeline, Lane)} for a run read back from the history, with its files if it has any. */
    static ActiveRun of(RunRecord run, Pipeline pipeline, Lane lane, RunQueries history) {
        return of(
                run,
                pipeline,
                lane,
                run.trigger() == TriggerType.FILES ? history.triggerFiles(run.runId()) : List.of());
    }

    private ActiveRun(RunRecord run, Pipeline pipeline, TemplateContext templates, Lane lane) {
        this.run = run;
        this.lane = lane;
        this.state = run.state();
        this.pipeline = pipeline;
        this.dag = Dag.of(pipeline);
        this.templates = templates;
        this.tasks = new TaskSlot[dag.size()];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = new TaskSlot(i);
        }
        this.unfinished = tasks.length;
    }

    String runId() {
        return run.runId();
    }

    RunState state() {
        return state;
    }

    /**
     * The one place a run's state changes: the move is checked against {@link RunState}'s table, then {@code write}
     * records it in the run history, and only then is it set here (write before act).
     */
    void moveTo(RunState target, Runnable write) {
        state.checkMove(target);
        write.run();
        state = target;
    }

    /**
     * Adds a task run of iteration {@code iteration} of the for-each task {@code forEach}: a task of its own, QUEUED,
     * run as {@code def} with {@code item}, after {@code upstream} (tasks of the same iteration).
     */
    TaskSlot addIteration(TaskSlot forEach, Task def, Object item, int iteration, int[] upstream) {
        int i = dag.add(def, upstream);
        tasks = java.util.Arrays.copyOf(tasks, i + 1);
        TaskSlot slot = new TaskSlot(i);
        slot.forEach = forEach.index;
        slot.iteration = iteration;
        slot.item = new TemplateContext.Item(item);
        tasks[i] = slot;
        if (forEach.iterations == null) {
            forEach.iterations = new java.util.ArrayList<>();
        }
        forEach.iterations.add(slot);
        unfinished++;
        return slot;
    }

    /** Takes the tasks' states and attempt counts from the history, for a resumed or repaired run. */
    void restoreTasks(List<TaskRunRecord> recorded) {
        ForEachRuns.restore(this, recorded);
        for (TaskRunRecord tr : recorded) {
            Integer i = dag.index.get(tr.taskId());
            if (i != null) { // a task the definition no longer has is left as recorded
                tasks[i].restore(tr.state());
                tasks[i].attempts = tr.attempts();
                tasks[i].attemptBase = tr.attemptBase();
            }
        }
        countUnfinished();
    }

    void countUnfinished() {
        unfinished = 0;
        for (TaskSlot task : tasks) {
            if (!task.state().terminal()) {
                unfinished++;
            }
        }
    }

    /** The engine's view of one task of the run. */
    static final class TaskSlot {
        final int index;
        /** Changed only by {@link #moveAll} (and set from the history by {@link #restore}). */
        private TaskState state = TaskState.QUEUED;
        /** How the upstream tasks have ended so far, for the trigger rule. */
        int upSucceeded;

        int upFailed;
        int upSkipped;
        /** The trigger rule has let the task run (it may still wait for a slot or a retry). */
        boolean released;

        int attempts;
        /** Attempts made before the current repair: the retry policy counts from here. */
        int attemptBase;

        Instant readyAt;
        /** {@link System#nanoTime()} at {@link #readyAt}: the queue wait is real time, whatever the engine's clock. */
        long readyNanos;
        /** When a retry rebuilt by recovery is due. */
        Instant retryAt;

        String attemptId;
        AttemptHandle handle;
        /** The current attempt's secret values, masked in its error before it is stored. */
        Redactor redactor = Redactor.NONE;
        /** The task's attempt holds one of its executor's slots. */
        boolean holdsSlot;
        /** The task holds a place of its pool (taken before the executor slot). */
        boolean holdsPlace;

        boolean timedOut;
        ScheduledFuture<?> timeout;

        /**
         * The values its succeeded attempt published; null until known (a run rebuilt from the history reads them
         * back only when a task needs them: {@link UpstreamValues}).
         */
        java.util.Map<String, Object> values;
        /** A condition task's outcome once it succeeded; null until known. */
        Boolean outcome;

        /** For a for-each iteration, the index of its for-each task; -1 for any other task. */
        int forEach = -1;
        /** For a task of a for-each iteration, the iteration's index. */
        int iteration = -1;
        /** For a for-each iteration, its item; null for any other task. */
        TemplateContext.Item item;
        /** For a for-each task, its iterations' tasks in order once made (or read back); null until then. */
        List<TaskSlot> iterations;
        /** For a for-each task whose attempt is running, how that attempt ends; null otherwise. */
        ForEachRuns.Group group;

        TaskSlot(int index) {
            this.index = index;
        }

        TaskState state() {
            return state;
        }

        /** {@link #moveAll} for this one task. */
        void moveTo(TaskState target, Runnable write) {
            moveAll(List.of(this), target, write);
        }

        /**
         * The one place a task's state changes: each move is checked against {@link TaskState}'s table (none is
         * made if one is refused), then {@code write} records them in the run history, and only then are they set
         * here (write before act).
         */
        static void moveAll(List<TaskSlot> tasks, TaskState target, Runnable write) {
            for (TaskSlot task : tasks) {
                task.state().checkMove(target);
            }
            write.run();
            for (TaskSlot task : tasks) {
                task.state = target;
            }
        }

        /** Sets the state the run history holds, for a run being rebuilt from it: loading, not a move. */
        void restore(TaskState recorded) {
            state = recorded;
        }

        void countUpstream(TaskState ended) {
            if (ended == TaskState.SUCCEEDED) {
                upSucceeded++;
            } else if (ended == TaskState.SKIPPED) {
                upSkipped++;
            } else if (TriggerRules.failed(ended)) {
                upFailed++;
            }
        }
    }
}
