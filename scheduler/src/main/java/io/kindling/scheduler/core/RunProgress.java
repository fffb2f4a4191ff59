package io.kindling.scheduler.core;

import io.kindling.dsl.RunIf;
import io.kindling.dsl.Task;
import io.kindling.scheduler.alerts.AlertPlanner;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.RunFencedException;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's way through its DAG, on the engine thread: it starts (or waits its turn in its lane), each task that
 * ends tells its dependents, whose trigger rules release them to {@link AttemptRunner} or end them without an
 * attempt, and the run ends once every task has ended. Each change is written before it is acted on.
 */
final class RunProgress {
    /** The engine's lines keep one logger, RunEngine's: log settings and {@code kindling run} select it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final RunStore dao;
    private final AlertPlanner alerts;
    private final EngineThread thread;
    private final Admission admission;
    private final RunEvents events;
    private final AttemptRunner attempts;
    /** Drops a run another daemon owns now. */
    private final Consumer<RunFencedException> fenced;

    private final UpstreamValues upstreamValues;

    /** @param attempts makes the attempt runner, which reports back to this */
    RunProgress(
            RunStore dao,
            AlertPlanner alerts,
            EngineThread thread,
            Admission admission,
            RunEvents events,
            Consumer<RunFencedException> fenced,
            Function<RunProgress, AttemptRunner> attempts) {
        this.dao = dao;
        this.alerts = alerts;
        this.thread = thread;
        this.admission = admission;
        this.events = events;
        this.fenced = fenced;
        this.upstreamValues = new UpstreamValues(dao);
        this.attempts = attempts.apply(this);
    }

    /**
     * Starts a run, or queues it behind the running ones of its lane (max_active_runs): those this daemon drives, then
     * those the history holds, whichever daemon drives them. Returns whether it started.
     */
    boolean activate(ActiveRun run) {
        return start(run, false);
    }

    private boolean start(ActiveRun run, boolean fromQueue) {
        if (admission.active(run.runId()) != null) {
            return true; // resumed by recovery already
        }
        if (!admission.admit(run, fromQueue)) {
            return false;
        }
        EngineMdc.run(run.pipeline.id(), run.runId());
        try {
            run.moveTo(RunState.RUNNING, () -> {
                if (!dao.startRunInLane(
                        run.runId(),
                        run.pipeline.id(),
                        run.run.backfillId(),
                        run.lane.maxActive(),
                        admission.runningHere(run.lane),
                        thread.now())) {
                    throw new LaneFull();
                }
            });
        } catch (LaneFull full) { // other daemons' runs fill the lane: it is looked at again soon
            admission.waitFirst(run);
            recheckLater(run.lane);
            return false;
        }
        LOG.info("Run {} of {} started", run.runId(), run.pipeline.id());
        admission.track(run);
        watchDuration(run);
        events.runChanged(run, RunState.RUNNING, Optional.empty());
        proceed(run, List.of());
        return true;
    }

    /** The history said the lane was full: no run of this daemon's ends to free it, so it is asked again. */
    private static final class LaneFull extends RuntimeException {
        LaneFull() {
            super(null, null, false, false);
        }
    }

    /** How soon a lane that other daemons' runs fill is looked at again. */
    private static final Duration LANE_RECHECK = Duration.ofMillis(500);

    private final java.util.Set<String> rechecking = new java.util.HashSet<>();

    private void recheckLater(Lane lane) {
        if (rechecking.add(lane.key())) {
            thread.after(LANE_RECHECK, () -> {
                rechecking.remove(lane.key());
                fillLane(lane);
            });
        }
    }

    /** Starts the lane's waiting runs, oldest first, while it has room here and in the history. */
    private void fillLane(Lane lane) {
        while (admission.hasRoom(lane)) {
            ActiveRun next = admission.nextInLane(lane);
            if (next == null) {
                return;
            }
            try {
                if (!start(next, true)) {
                    return;
                }
            } catch (RunFencedException e) { // that run is another daemon's now
                fenced.accept(e);
            }
        }
    }

    /** Alerts once if the run is still going after its pipeline's {@code on_duration_over}. */
    private void watchDuration(ActiveRun run) {
        run.pipeline.alerts().onDurationOver().ifPresent(limit -> {
            // a resumed run has been going since it started; one past its limit already alerted then (or not at all)
            Duration left = limit.minus(Duration.between(run.run.startedAt().orElse(thread.now()), thread.now()));
            if (left.isNegative()) {
                return;
            }
            thread.after(left, () -> {
                if (admission.active(run.runId()) == run && !run.abandoned) {
                    EngineMdc.run(run.pipeline.id(), run.runId());
                    dao.recordAlerts(run.runId(), alerts.durationOver(run.pipeline, run.runId(), limit, thread.now()));
                    LOG.info("Run {} of {} still running after {}", run.runId(), run.pipeline.id(), limit);
                }
            });
        });
    }

    /** Takes over a run that recovery rebuilt: its tasks' states are already set; retries are due as recorded. */
    void resume(ActiveRun run, List<TaskSlot> retryNow) {
        admission.track(run);
        watchDuration(run);
        run.reattach.forEach(r -> attempts.reattach(run, r));
        proceed(run, retryNow);
    }

    /**
     * Sets a run going from the states its tasks are in: a new run's roots start; in a resumed or repaired run,
     * the tasks that have ended tell their dependents how, and the rest decide once that is certain.
     */
    private void proceed(ActiveRun run, List<TaskSlot> retryNow) {
        Instant now = thread.now();
        for (TaskSlot task : retryNow) {
            Instant due = task.retryAt != null ? task.retryAt : now;
            attempts.scheduleRetry(run, task, due.isAfter(now) ? Duration.between(now, due) : Duration.ZERO);
        }
        List<TaskSlot> ended = new ArrayList<>();
        for (TaskSlot task : run.tasks) {
            if (task.state().terminal()) {
                ended.add(task);
            }
        }
        for (TaskSlot task : ended) {
            settled(run, task);
        }
        for (TaskSlot task : run.tasks) {
            if (task.state() == TaskState.QUEUED && !task.released && task.forEach < 0) { // its for-each starts it
                decide(run, task);
            }
        }
        finishIfDone(run);
    }

    /** Gives back the slots of a dropped run's tasks that hold one with no attempt running: see AttemptRunner. */
    void releaseStranded(ActiveRun run) {
        attempts.releaseStranded(run);
    }

    /** The trigger rule lets the task run: it takes an executor slot, or waits for one. */
    private void release(ActiveRun run, TaskSlot task) {
        task.released = true;
        attempts.ready(run, task);
    }

    /** A task has ended for good: its dependents' trigger rules learn how. */
    void settled(ActiveRun run, TaskSlot ended) {
        for (int d : run.dag.dependents[ended.index]) {
            TaskSlot dependent = run.tasks[d];
            dependent.countUpstream(ended.state());
            if (dependent.state() == TaskState.QUEUED && !dependent.released && !run.cancelling) {
                decide(run, dependent);
            }
        }
        if (ended.forEach >= 0) { // a task of a for-each iteration: its for-each waits for it
            attempts.iterationEnded(run, ended);
        }
    }

    /** A task of a for-each iteration that its for-each lets go: its trigger rule decides (within the iteration). */
    void decideIteration(ActiveRun run, TaskSlot task) {
        decide(run, task);
    }

    private void decide(ActiveRun run, TaskSlot task) {
        if (task.forEach >= 0 && !attempts.iterating(run, task)) {
            return; // its for-each is not running, or has not let its iteration start: it decides then
        }
        Task def = run.dag.tasks.get(task.index);
        TriggerRules.Decision decision = TriggerRules.decide(
                def.triggerRule(),
                run.dag.upstream[task.index].length,
                task.upSucceeded,
                task.upFailed,
                task.upSkipped);
        String skipped = "trigger rule " + def.triggerRule().yamlName() + " not met by its upstream tasks";
        String upstreamFailed =
                "an upstream task failed (trigger rule " + def.triggerRule().yamlName() + ")";
        if (def.runIf().isPresent() && decision != TriggerRules.Decision.UPSTREAM_FAILED) {
            // run_if comes first: the branch not taken is SKIPPED whatever the trigger rule says.
            RunIf runIf = def.runIf().get();
            TaskSlot check = run.tasks[run.dag.index.get(runIf.task())];
            if (!check.state().terminal()) {
                decision = decision == TriggerRules.Decision.RUN ? TriggerRules.Decision.WAIT : decision;
            } else if (check.state() == TaskState.SUCCEEDED) {
                Boolean outcome = upstreamValues.outcome(run, check);
                if (outcome == null || outcome != runIf.outcome()) {
                    decision = TriggerRules.Decision.SKIP;
                    skipped = "run_if: condition task '" + runIf.task() + "' came out " + outcome + ", not "
                            + runIf.outcome();
                }
            } else if (check.state() == TaskState.SKIPPED) {
                decision = TriggerRules.Decision.SKIP;
                skipped = "run_if: condition task '" + runIf.task() + "' was skipped";
            } else {
                decision = TriggerRules.Decision.UPSTREAM_FAILED;
                upstreamFailed = "run_if: condition task '" + runIf.task() + "' ended " + check.state();
            }
        }
        switch (decision) {
            case RUN -> release(run, task);
            case SKIP -> endWithoutAttempt(run, task, TaskState.SKIPPED, skipped);
            case UPSTREAM_FAILED -> endWithoutAttempt(run, task, TaskState.UPSTREAM_FAILED, upstreamFailed);
            case WAIT -> {}
        }
    }

    /** Ends a task that never got (another) attempt, and lets its dependents decide. */
    void endWithoutAttempt(ActiveRun run, TaskSlot task, TaskState state, String reason) {
        String taskId = run.dag.tasks.get(task.index).id();
        EngineMdc.task(run.pipeline.id(), run.runId(), taskId, task.attempts);
        task.moveTo(
                state,
                () -> dao.updateTaskStates(
                        run.runId(), List.of(taskId), state, Optional.of(thread.now()), Optional.of(reason)));
        LOG.info("Task {} of run {} ended {} without an attempt: {}", taskId, run.runId(), state, reason);
        run.unfinished--;
        events.taskChanged(run, task, Optional.of(reason));
        settled(run, task);
    }

    /** Cancels a run the engine drives: its tasks that have not started are CANCELLED, its attempts stopped. */
    void cancel(ActiveRun run) {
        if (run.cancelling) {
            return;
        }
        run.cancelling = true;
        EngineMdc.run(run.pipeline.id(), run.runId());
        LOG.info("Cancelling run {} of {}", run.runId(), run.pipeline.id());
        cancelUnstarted(run, "run cancelled");
        for (TaskSlot task : run.tasks) {
            if (task.state() == TaskState.RUNNING && task.handle != null) {
                task.handle.cancel("run cancelled");
            }
        }
        finishIfDone(run);
    }

    /** Cancels a run that was waiting its turn in its lane (and is no longer in it): it ends CANCELLED at once. */
    void cancelWaiting(ActiveRun queued) {
        queued.cancelling = true;
        cancelUnstarted(queued, "run cancelled before it started");
        end(queued, RunState.CANCELLED, Optional.of("cancelled"));
    }

    /** Tasks that had not started get CANCELLED too, so that a repair runs them. */
    private void cancelUnstarted(ActiveRun run, String reason) {
        List<TaskSlot> unstarted = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (TaskSlot task : run.tasks) {
            if (task.state() == TaskState.QUEUED || task.state() == TaskState.UP_FOR_RETRY) {
                unstarted.add(task);
                ids.add(run.dag.tasks.get(task.index).id());
            }
        }
        TaskSlot.moveAll(
                unstarted,
                TaskState.CANCELLED,
                () -> dao.updateTaskStates(
                        run.runId(), ids, TaskState.CANCELLED, Optional.of(thread.now()), Optional.of(reason)));
        for (TaskSlot task : unstarted) {
            run.unfinished--;
            events.taskChanged(run, task, Optional.of(reason));
        }
        for (TaskSlot task : unstarted) {
            if (task.forEach >= 0) { // its for-each ends once none of its iterations runs
                attempts.iterationEnded(run, task);
            }
        }
        attempts.releaseStranded(run); // a task that waited for its executor slot held its pool's place
    }

    /** When every task has ended, the run ends as {@link RunOutcome} says. */
    void finishIfDone(ActiveRun run) {
        if (run.unfinished > 0 || admission.active(run.runId()) == null) {
            return;
        }
        RunOutcome outcome = RunOutcome.of(run);
        admission.drop(run.runId());
        end(run, outcome.state(), outcome.error());
        startNextInLane(run.lane);
    }

    /** A run of the lane has ended or been dropped: the one that waited longest starts. */
    void startNextInLane(Lane lane) {
        ActiveRun next = admission.nextInLane(lane);
        if (next != null) {
            try {
                start(next, true);
            } catch (RunFencedException e) { // that run is another daemon's now
                fenced.accept(e);
            }
        }
    }

    private void end(ActiveRun run, RunState state, Optional<String> error) {
        EngineMdc.run(run.pipeline.id(), run.runId());
        Instant now = thread.now();
        run.moveTo(
                state,
                () -> dao.updateRunState(
                        run.runId(),
                        state,
                        Optional.empty(),
                        Optional.of(now),
                        error,
                        alerts.runEnded(run.pipeline, run.runId(), state, error, now)));
        LOG.info(
                "Run {} of {} ended {}{}",
                run.runId(),
                run.pipeline.id(),
                state,
                error.map(e -> ": " + e).orElse(""));
        events.runChanged(run, state, error);
    }
}
