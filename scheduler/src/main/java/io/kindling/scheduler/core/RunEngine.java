package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.AttemptRecord;
import io.kindling.scheduler.db.RunDao;
import io.kindling.scheduler.db.RunRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives runs through their DAGs. Event-driven: a task that ends wakes exactly its dependents, whose trigger
 * rules decide what happens next; nothing polls. All run state lives on one engine thread, so transitions
 * need no locks; every transition is written to the run history before it is acted on (before an attempt is
 * started, before dependents are woken, before listeners hear of it).
 */
public final class RunEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final RunDao dao;
    private final Map<String, ExecutorSlots> executors = new HashMap<>();
    private final Function<String, Optional<Pipeline>> pipelines;
    private final Clock clock;
    private final Path logDir;
    private final RunIds runIds;
    private final ExecutorService loop;
    private final ScheduledExecutorService timers;
    private final Map<String, ActiveRun> active = new HashMap<>();
    /** Runs held back by their pipeline's max_active_runs, oldest first, by pipeline. */
    private final Map<String, ArrayDeque<ActiveRun>> waiting = new HashMap<>();
    private final Map<String, Integer> activeByPipeline = new HashMap<>();
    private final List<RunListener> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param executors executors by name with their task slots
     * @param pipelines finds the current definition of a pipeline, for runs resumed after a restart
     */
    public RunEngine(RunDao dao, Map<String, Executor> executors, Map<String, Integer> slots,
                     Function<String, Optional<Pipeline>> pipelines, Clock clock, Path logDir) {
        this.dao = dao;
        executors.forEach((name, executor) -> this.executors.put(name,
                new ExecutorSlots(executor, slots.getOrDefault(name, 1))));
        this.pipelines = pipelines;
        this.clock = clock;
        this.logDir = logDir;
        this.runIds = new RunIds(clock);
        this.loop = java.util.concurrent.Executors.newSingleThreadExecutor(r -> daemon(r, "kindling-engine"));
        this.timers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                r -> daemon(r, "kindling-engine-timers"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The history stores epoch milliseconds; times the engine hands out are never finer than that. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Runs work on the engine thread; a failure is logged, never lost with the thread. */
    private void post(Runnable work) {
        loop.execute(() -> {
            try {
                work.run();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) { // a linkage error in a task's body must not end the engine thread
                LOG.error("Engine step failed", e);
            }
        });
    }

    /** Runs work on the engine thread and waits for it. */
    private void postAndWait(Runnable work) {
        try {
            loop.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the engine", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    public void addListener(RunListener listener) {
        listeners.add(listener);
    }

    /**
     * Resumes the runs a previous life of the daemon left unfinished, and returns once that is done, so that
     * no trigger can interleave with recovery.
     */
    public void start() {
        postAndWait(() -> new RunRecovery(dao, pipelines, this::now).recover(this::resume, this::activate));
    }

    /**
     * Creates a run (QUEUED) and hands it to the engine. A scheduled run for a logical time that already has
     * one is not created again, and empty is returned.
     *
     * @param overrides parameters that replace or add to the pipeline's {@code params}
     */
    public Optional<RunRecord> trigger(Pipeline pipeline, TriggerType trigger, Instant logicalTime,
                                       Map<String, String> overrides) {
        Map<String, String> params = new LinkedHashMap<>(pipeline.params());
        params.putAll(overrides);
        RunRecord run = new RunRecord(runIds.next(), pipeline.id(), pipeline.contentHash(), Optional.empty(),
                trigger, logicalTime.truncatedTo(ChronoUnit.MILLIS), params, RunState.QUEUED, now(),
                Optional.empty(), Optional.empty(), Optional.empty());
        List<String> taskIds = pipeline.tasks().stream().map(Task::id).toList();
        if (!dao.insertRun(run, taskIds)) {
            LOG.info("Pipeline {}: a run for {} exists already, not starting another", pipeline.id(), logicalTime);
            return Optional.empty();
        }
        post(() -> activate(new ActiveRun(run, pipeline, templates(run, pipeline))));
        return Optional.of(run);
    }

    /**
     * Cancels a run: running attempts are stopped (their Spark jobs cancelled), tasks that have not started
     * are SKIPPED, and the run ends CANCELLED once its attempts have stopped. A run that has ended, or is not
     * this engine's, is left as it is: cancel is idempotent.
     */
    public void cancel(String runId) {
        postAndWait(() -> {
            ActiveRun run = active.get(runId);
            if (run != null) {
                cancel(run);
                return;
            }
            for (ArrayDeque<ActiveRun> queue : waiting.values()) {
                for (ActiveRun queued : queue) {
                    if (queued.runId().equals(runId)) {
                        queue.remove(queued);
                        queued.cancelling = true;
                        skipUnstarted(queued, "run cancelled before it started");
                        end(queued, RunState.CANCELLED, Optional.of("cancelled"));
                        return;
                    }
                }
            }
        });
    }

    static TemplateContext templates(RunRecord run, Pipeline pipeline) {
        return new TemplateContext(pipeline.id(), run.runId(), run.logicalTime(),
                pipeline.schedule().map(Schedule::timezone).orElse(ZoneOffset.UTC), run.params());
    }

    /** Starts a new run, or queues it behind its pipeline's running ones (max_active_runs). */
    private void activate(ActiveRun run) {
        if (active.containsKey(run.runId())) {
            return; // resumed by recovery already
        }
        String pipelineId = run.pipeline.id();
        if (activeByPipeline.getOrDefault(pipelineId, 0) >= run.pipeline.maxActiveRuns()) {
            waiting.computeIfAbsent(pipelineId, k -> new ArrayDeque<>()).add(run);
            return;
        }
        run.state = run.state.checkMove(RunState.RUNNING);
        dao.updateRunState(run.runId(), RunState.RUNNING, Optional.of(now()), Optional.empty(), Optional.empty());
        track(run);
        runChanged(run, RunState.RUNNING, Optional.empty());
        for (TaskSlot task : run.tasks) {
            if (run.dag.upstream[task.index].length == 0) {
                release(run, task);
            }
        }
        finishIfDone(run);
    }

    /** Takes over a run that recovery rebuilt: its tasks' states and upstream counts are already set. */
    private void resume(ActiveRun run, List<TaskSlot> retryNow) {
        track(run);
        for (TaskSlot task : retryNow) {
            scheduleRetry(run, task, Duration.ZERO);
        }
        List<TaskSlot> ended = new ArrayList<>();
        for (TaskSlot task : run.tasks) {
            if (task.state.terminal()) {
                ended.add(task);
            }
        }
        for (TaskSlot task : ended) {
            settled(run, task); // dependents learn how it ended, and decide once that is certain
        }
        for (TaskSlot task : run.tasks) {
            if (task.state == TaskState.QUEUED && !task.released) {
                decide(run, task);
            }
        }
        finishIfDone(run);
    }

    private void track(ActiveRun run) {
        active.put(run.runId(), run);
        activeByPipeline.merge(run.pipeline.id(), 1, Integer::sum);
    }

    /** The trigger rule lets the task run: it takes an executor slot, or waits for one. */
    private void release(ActiveRun run, TaskSlot task) {
        task.released = true;
        ready(run, task);
    }

    private void ready(ActiveRun run, TaskSlot task) {
        task.readyAt = now();
        Task def = run.dag.tasks.get(task.index);
        ExecutorSlots slots = executors.get(def.executor());
        if (slots == null) {
            // Validation checks executor names against config.yml; this is a run resumed after a config change.
            endWithoutAttempt(run, task, TaskState.FAILED, "executor '" + def.executor() + "' is not configured");
            return;
        }
        if (slots.free > 0) {
            slots.free--;
            launch(run, task, slots);
        } else {
            slots.waiting.add(new ExecutorSlots.Waiting(run, task));
        }
    }

    private void launch(ActiveRun run, TaskSlot task, ExecutorSlots slots) {
        Task def = run.dag.tasks.get(task.index);
        task.state.checkMove(TaskState.RUNNING);
        task.attempts++;
        task.timedOut = false;
        task.attemptId = run.runId() + "." + def.id() + "." + task.attempts;
        Path logFile = logDir.resolve(run.pipeline.id()).resolve(run.runId())
                .resolve(def.id() + "." + task.attempts + ".log");
        dao.startAttempt(new AttemptRecord(task.attemptId, run.runId(), def.id(), task.attempts, def.executor(),
                TaskState.RUNNING, Optional.empty(), task.readyAt, Optional.of(now()), Optional.empty(),
                Optional.empty(), logFile.toString()));
        task.state = TaskState.RUNNING;
        taskChanged(run, task, Optional.empty());

        String attemptId = task.attemptId;
        TaskBody body;
        try {
            body = def.body().render(run.templates);
        } catch (IllegalArgumentException e) {
            attemptEnded(run, task, attemptId, AttemptResult.failed(e.getMessage()), Optional.empty());
            return;
        }
        AttemptRequest request = new AttemptRequest(attemptId, run.runId(), run.pipeline.id(), def.id(),
                task.attempts, body, run.run.params(), def.sparkConf(), logFile);
        AttemptHandle handle = slots.executor.start(request);
        task.handle = handle;
        handle.result().whenComplete((result, error) -> post(() -> attemptEnded(run, task, attemptId,
                result != null ? result : AttemptResult.failed("executor error: " + error),
                handle.sparkApplicationId())));
        def.timeout().ifPresent(timeout -> task.timeout = timers.schedule(
                () -> post(() -> timeOut(task, attemptId, timeout)), timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void timeOut(TaskSlot task, String attemptId, Duration timeout) {
        if (attemptId.equals(task.attemptId) && task.state == TaskState.RUNNING) {
            task.timedOut = true;
            task.handle.cancel("timed out after " + timeout);
        }
    }

    private void attemptEnded(ActiveRun run, TaskSlot task, String attemptId, AttemptResult result,
                              Optional<String> sparkAppId) {
        if (!attemptId.equals(task.attemptId) || task.state != TaskState.RUNNING) {
            return; // a late answer for an attempt already resolved
        }
        if (task.timeout != null) {
            task.timeout.cancel(false);
            task.timeout = null;
        }
        task.handle = null;
        Task def = run.dag.tasks.get(task.index);
        Instant now = now();
        TaskState attemptState = switch (result.outcome()) {
            case SUCCEEDED -> TaskState.SUCCEEDED;
            case FAILED -> TaskState.FAILED;
            case CANCELLED -> task.timedOut ? TaskState.TIMED_OUT : TaskState.CANCELLED;
        };
        Optional<String> error = attemptState == TaskState.TIMED_OUT
                ? Optional.of("timed out after " + def.timeout().map(Duration::toString).orElse("?"))
                : result.error();
        boolean retry = !run.cancelling
                && (attemptState == TaskState.FAILED || attemptState == TaskState.TIMED_OUT)
                && def.retry().allowsRetryAfter(task.attempts);
        task.state.checkMove(retry ? TaskState.UP_FOR_RETRY : attemptState);
        if (retry) {
            Duration delay = def.retry().delayAfter(task.attempts);
            dao.finishAttempt(attemptId, run.runId(), def.id(), attemptState, TaskState.UP_FOR_RETRY, now, error,
                    Optional.of(now.plus(delay)), sparkAppId);
            task.state = TaskState.UP_FOR_RETRY;
            taskChanged(run, task, error);
            scheduleRetry(run, task, delay);
        } else {
            dao.finishAttempt(attemptId, run.runId(), def.id(), attemptState, attemptState, now, error,
                    Optional.empty(), sparkAppId);
            task.state = attemptState;
            run.unfinished--;
            taskChanged(run, task, error);
            settled(run, task);
        }
        releaseSlot(def.executor());
        finishIfDone(run);
    }

    private void scheduleRetry(ActiveRun run, TaskSlot task, Duration delay) {
        timers.schedule(() -> post(() -> {
            if (task.state != TaskState.UP_FOR_RETRY || run.cancelling) {
                return;
            }
            String taskId = run.dag.tasks.get(task.index).id();
            task.state.checkMove(TaskState.QUEUED);
            dao.updateTaskStates(run.runId(), List.of(taskId), TaskState.QUEUED, Optional.empty(), Optional.empty());
            task.state = TaskState.QUEUED;
            taskChanged(run, task, Optional.empty());
            ready(run, task);
        }), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private void releaseSlot(String executor) {
        ExecutorSlots slots = executors.get(executor);
        ExecutorSlots.Waiting next;
        while ((next = slots.waiting.poll()) != null) {
            if (next.task().state == TaskState.QUEUED) { // not skipped by a cancel while it waited
                launch(next.run(), next.task(), slots);
                return;
            }
        }
        slots.free++;
    }

    /** A task has ended for good: its dependents' trigger rules learn how. */
    private void settled(ActiveRun run, TaskSlot ended) {
        for (int d : run.dag.dependents[ended.index]) {
            TaskSlot dependent = run.tasks[d];
            dependent.countUpstream(ended.state);
            if (dependent.state == TaskState.QUEUED && !dependent.released && !run.cancelling) {
                decide(run, dependent);
            }
        }
    }

    private void decide(ActiveRun run, TaskSlot task) {
        Task def = run.dag.tasks.get(task.index);
        switch (TriggerRules.decide(def.triggerRule(), run.dag.upstream[task.index].length, task.upSucceeded,
                task.upFailed, task.upSkipped)) {
            case RUN -> release(run, task);
            case SKIP -> endWithoutAttempt(run, task, TaskState.SKIPPED,
                    "trigger rule " + def.triggerRule().yamlName() + " not met by its upstream tasks");
            case UPSTREAM_FAILED -> endWithoutAttempt(run, task, TaskState.UPSTREAM_FAILED,
                    "an upstream task failed (trigger rule " + def.triggerRule().yamlName() + ")");
            case WAIT -> { }
        }
    }

    /** Ends a task that never got (another) attempt, and lets its dependents decide. */
    private void endWithoutAttempt(ActiveRun run, TaskSlot task, TaskState state, String reason) {
        String taskId = run.dag.tasks.get(task.index).id();
        task.state.checkMove(state);
        dao.updateTaskStates(run.runId(), List.of(taskId), state, Optional.of(now()), Optional.of(reason));
        task.state = state;
        run.unfinished--;
        taskChanged(run, task, Optional.of(reason));
        settled(run, task);
    }

    private void cancel(ActiveRun run) {
        if (run.cancelling) {
            return;
        }
        run.cancelling = true;
        LOG.info("Cancelling run {} of {}", run.runId(), run.pipeline.id());
        skipUnstarted(run, "run cancelled");
        for (TaskSlot task : run.tasks) {
            if (task.state == TaskState.RUNNING && task.handle != null) {
                task.handle.cancel("run cancelled");
            }
        }
        finishIfDone(run);
    }

    private void skipUnstarted(ActiveRun run, String reason) {
        List<TaskSlot> unstarted = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (TaskSlot task : run.tasks) {
            if (task.state == TaskState.QUEUED || task.state == TaskState.UP_FOR_RETRY) {
                unstarted.add(task);
                ids.add(run.dag.tasks.get(task.index).id());
            }
        }
        dao.updateTaskStates(run.runId(), ids, TaskState.SKIPPED, Optional.of(now()), Optional.of(reason));
        for (TaskSlot task : unstarted) {
            task.state = TaskState.SKIPPED;
            run.unfinished--;
            taskChanged(run, task, Optional.of(reason));
        }
    }

    /**
     * When every task has ended: a cancelled run is CANCELLED; otherwise the run SUCCEEDED when each leaf task
     * (one nothing depends on) SUCCEEDED or was SKIPPED, and FAILED otherwise, naming the tasks that failed.
     */
    private void finishIfDone(ActiveRun run) {
        if (run.unfinished > 0 || !active.containsKey(run.runId())) {
            return;
        }
        boolean leavesOk = true;
        List<String> failed = new ArrayList<>();
        for (TaskSlot t : run.tasks) {
            if (run.dag.dependents[t.index].length == 0 && t.state != TaskState.SUCCEEDED
                    && t.state != TaskState.SKIPPED) {
                leavesOk = false;
            }
            if (t.state == TaskState.FAILED || t.state == TaskState.TIMED_OUT) {
                failed.add(run.dag.tasks.get(t.index).id() + " " + t.state);
            }
        }
        RunState state = run.cancelling ? RunState.CANCELLED : leavesOk ? RunState.SUCCEEDED : RunState.FAILED;
        Optional<String> error = state == RunState.CANCELLED ? Optional.of("cancelled")
                : state == RunState.FAILED ? Optional.of("failed tasks: " + failed) : Optional.empty();
        active.remove(run.runId());
        activeByPipeline.merge(run.pipeline.id(), -1, Integer::sum);
        end(run, state, error);
        ArrayDeque<ActiveRun> queue = waiting.get(run.pipeline.id());
        if (queue != null && !queue.isEmpty()) {
            activate(queue.poll());
        }
    }

    private void end(ActiveRun run, RunState state, Optional<String> error) {
        run.state = run.state.checkMove(state);
        dao.updateRunState(run.runId(), state, Optional.empty(), Optional.of(now()), error);
        runChanged(run, state, error);
    }

    private void runChanged(ActiveRun run, RunState state, Optional<String> error) {
        for (RunListener l : listeners) {
            l.runChanged(run.runId(), run.pipeline.id(), state, error);
        }
    }

    private void taskChanged(ActiveRun run, TaskSlot task, Optional<String> error) {
        String taskId = run.dag.tasks.get(task.index).id();
        for (RunListener l : listeners) {
            l.taskChanged(run.runId(), taskId, task.state, task.attempts, error);
        }
    }

    /** Stops dispatching. Running attempts are left to the executors' close (they record nothing further). */
    @Override
    public void close() {
        loop.shutdown();
        timers.shutdownNow();
        try {
            if (!loop.awaitTermination(10, TimeUnit.SECONDS)) {
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
