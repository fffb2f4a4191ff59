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
import io.kindling.scheduler.db.TaskRunRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives runs through their DAGs. Event-driven: a finished attempt wakes exactly its dependents; nothing polls.
 * All run state lives on one engine thread, so transitions need no locks; every transition is written to the
 * run history before it is acted on (before an attempt is started, before dependents are woken).
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

    public void addListener(RunListener listener) {
        listeners.add(listener);
    }

    /**
     * Resumes the runs a previous life of the daemon left unfinished, and returns once that is done, so that
     * no trigger can interleave with recovery.
     */
    public void start() {
        try {
            loop.submit((Runnable) this::recover).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resuming runs", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("could not resume unfinished runs", e.getCause());
        }
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
        Instant now = now();
        RunRecord run = new RunRecord(runIds.next(), pipeline.id(), pipeline.contentHash(), Optional.empty(),
                trigger, logicalTime.truncatedTo(ChronoUnit.MILLIS), params, RunState.QUEUED, now, Optional.empty(), Optional.empty(),
                Optional.empty());
        List<String> taskIds = pipeline.tasks().stream().map(Task::id).toList();
        if (!dao.insertRun(run, taskIds)) {
            LOG.info("Pipeline {}: a run for {} exists already, not starting another", pipeline.id(), logicalTime);
            return Optional.empty();
        }
        post(() -> activate(new ActiveRun(run, pipeline, templates(run, pipeline))));
        return Optional.of(run);
    }

    private static TemplateContext templates(RunRecord run, Pipeline pipeline) {
        return new TemplateContext(pipeline.id(), run.runId(), run.logicalTime(),
                pipeline.schedule().map(Schedule::timezone).orElse(ZoneOffset.UTC), run.params());
    }

    private void activate(ActiveRun run) {
        if (active.containsKey(run.runId())) {
            return; // resumed by recovery already
        }
        Instant now = now();
        run.run.state().checkMove(RunState.RUNNING);
        dao.updateRunState(run.runId(), RunState.RUNNING, Optional.of(now), Optional.empty(), Optional.empty());
        active.put(run.runId(), run);
        runChanged(run, RunState.RUNNING, Optional.empty());
        for (TaskSlot task : run.tasks) {
            if (task.state == TaskState.QUEUED && task.pendingUpstream == 0) {
                ready(run, task);
            }
        }
        finishIfDone(run);
    }

    private void ready(ActiveRun run, TaskSlot task) {
        task.readyAt = now();
        ExecutorSlots slots = executors.get(run.dag.tasks.get(task.index).executor());
        if (slots == null) {
            // Validation checks executor names against config.yml; this is a run resumed after a config change.
            failWithoutAttempt(run, task, "executor '" + run.dag.tasks.get(task.index).executor()
                    + "' is not configured");
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
        task.attempts++;
        task.timedOut = false;
        task.attemptId = run.runId() + "." + def.id() + "." + task.attempts;
        Path logFile = logDir.resolve(run.pipeline.id()).resolve(run.runId())
                .resolve(def.id() + "." + task.attempts + ".log");
        task.state.checkMove(TaskState.RUNNING);
        Instant now = now();
        dao.startAttempt(new AttemptRecord(task.attemptId, run.runId(), def.id(), task.attempts, def.executor(),
                TaskState.RUNNING, Optional.empty(), task.readyAt, Optional.of(now), Optional.empty(),
                Optional.empty(), logFile.toString()));
        task.state = TaskState.RUNNING;
        taskChanged(run, task, Optional.empty());

        TaskBody body;
        try {
            body = def.body().render(run.templates);
        } catch (IllegalArgumentException e) {
            attemptEnded(run, task, task.attemptId, AttemptResult.failed(e.getMessage()), Optional.empty());
            return;
        }
        AttemptRequest request = new AttemptRequest(task.attemptId, run.runId(), run.pipeline.id(), def.id(),
                task.attempts, body, run.run.params(), def.sparkConf(), logFile);
        AttemptHandle handle = slots.executor.start(request);
        task.handle = handle;
        String attemptId = task.attemptId;
        handle.result().whenComplete((result, error) -> post(() -> attemptEnded(run, task, attemptId,
                result != null ? result : AttemptResult.failed("executor error: " + error),
                handle.sparkApplicationId())));
        def.timeout().ifPresent(timeout -> task.timeout = timers.schedule(
                () -> post(() -> timeOut(run, task, attemptId, timeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void timeOut(ActiveRun run, TaskSlot task, String attemptId, Duration timeout) {
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
        boolean retry = (attemptState == TaskState.FAILED || attemptState == TaskState.TIMED_OUT)
                && def.retry().allowsRetryAfter(task.attempts);
        task.state.checkMove(retry ? TaskState.UP_FOR_RETRY : attemptState);
        if (retry) {
            Duration delay = def.retry().delayAfter(task.attempts);
            Instant due = now.plus(delay);
            dao.finishAttempt(attemptId, run.runId(), def.id(), attemptState, TaskState.UP_FOR_RETRY, now, error,
                    Optional.of(due), sparkAppId);
            task.state = TaskState.UP_FOR_RETRY;
            taskChanged(run, task, error);
            scheduleRetry(run, task, delay);
        } else {
            dao.finishAttempt(attemptId, run.runId(), def.id(), attemptState, attemptState, now, error,
                    Optional.empty(), sparkAppId);
            task.state = attemptState;
            run.unfinished--;
            taskChanged(run, task, error);
            if (attemptState == TaskState.SUCCEEDED) {
                wakeDependents(run, task);
            } else {
                failDownstream(run, task);
            }
        }
        releaseSlot(def.executor());
        finishIfDone(run);
    }

    private void scheduleRetry(ActiveRun run, TaskSlot task, Duration delay) {
        timers.schedule(() -> post(() -> {
            if (task.state != TaskState.UP_FOR_RETRY) {
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
        ExecutorSlots.Waiting next = slots.waiting.poll();
        if (next != null) {
            launch(next.run(), next.task(), slots);
        } else {
            slots.free++;
        }
    }

    private void wakeDependents(ActiveRun run, TaskSlot task) {
        for (int d : run.dag.dependents[task.index]) {
            TaskSlot dependent = run.tasks[d];
            if (--dependent.pendingUpstream == 0 && dependent.state == TaskState.QUEUED) {
                ready(run, dependent);
            }
        }
    }

    /** A task failed for good: everything downstream of it that has not ended can no longer run. */
    private void failDownstream(ActiveRun run, TaskSlot failed) {
        List<String> ids = new ArrayList<>();
        List<TaskSlot> slots = new ArrayList<>();
        for (int d : run.dag.descendants(failed.index)) {
            TaskSlot t = run.tasks[d];
            if (t.state == TaskState.QUEUED) {
                ids.add(run.dag.tasks.get(d).id());
                slots.add(t);
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        String reason = "upstream task '" + run.dag.tasks.get(failed.index).id() + "' ended " + failed.state;
        dao.updateTaskStates(run.runId(), ids, TaskState.UPSTREAM_FAILED, Optional.of(now()),
                Optional.of(reason));
        for (TaskSlot t : slots) {
            t.state = TaskState.UPSTREAM_FAILED;
            run.unfinished--;
            taskChanged(run, t, Optional.of(reason));
        }
    }

    private void failWithoutAttempt(ActiveRun run, TaskSlot task, String reason) {
        String taskId = run.dag.tasks.get(task.index).id();
        task.state.checkMove(TaskState.FAILED);
        dao.updateTaskStates(run.runId(), List.of(taskId), TaskState.FAILED, Optional.of(now()),
                Optional.of(reason));
        task.state = TaskState.FAILED;
        run.unfinished--;
        taskChanged(run, task, Optional.of(reason));
        failDownstream(run, task);
    }

    private void finishIfDone(ActiveRun run) {
        if (run.unfinished > 0 || !active.containsKey(run.runId())) {
            return;
        }
        List<String> failed = new ArrayList<>();
        for (TaskSlot t : run.tasks) {
            if (t.state != TaskState.SUCCEEDED && t.state != TaskState.SKIPPED
                    && t.state != TaskState.UPSTREAM_FAILED) {
                failed.add(run.dag.tasks.get(t.index).id() + " " + t.state);
            }
        }
        RunState state = failed.isEmpty() ? RunState.SUCCEEDED : RunState.FAILED;
        Optional<String> error = failed.isEmpty() ? Optional.empty() : Optional.of("failed tasks: " + failed);
        dao.updateRunState(run.runId(), state, Optional.empty(), Optional.of(now()), error);
        active.remove(run.runId());
        runChanged(run, state, error);
    }

    /**
     * Picks up runs left QUEUED or RUNNING by a previous life of the daemon: attempts that were running are
     * failed ("daemon restarted") and retried per their policy; everything else continues where it stopped.
     */
    private void recover() {
        List<RunRecord> unfinished = dao.runsInStates(List.of(RunState.QUEUED, RunState.RUNNING));
        for (RunRecord run : unfinished) {
            try {
                recover(run);
            } catch (RuntimeException e) {
                LOG.error("Could not resume run {} of {}", run.runId(), run.pipelineId(), e);
            }
        }
    }

    private void recover(RunRecord record) {
        Instant now = now();
        Optional<Pipeline> pipeline = pipelines.apply(record.pipelineId());
        List<TaskRunRecord> taskRuns = dao.taskRuns(record.runId());
        if (pipeline.isEmpty()) {
            String reason = "pipeline '" + record.pipelineId() + "' is no longer loaded";
            List<String> open = taskRuns.stream().filter(t -> !t.state().terminal()).map(TaskRunRecord::taskId)
                    .toList();
            dao.updateTaskStates(record.runId(), open, TaskState.CANCELLED, Optional.of(now), Optional.of(reason));
            dao.updateRunState(record.runId(), RunState.FAILED, Optional.empty(), Optional.of(now),
                    Optional.of(reason));
            return;
        }
        LOG.info("Resuming run {} of {}", record.runId(), record.pipelineId());
        ActiveRun run = new ActiveRun(record, pipeline.get(), templates(record, pipeline.get()));
        Map<String, AttemptRecord> running = new HashMap<>();
        for (AttemptRecord a : dao.attempts(record.runId())) {
            if (a.state() == TaskState.RUNNING) {
                running.put(a.taskId(), a);
            }
        }
        List<TaskSlot> retryNow = new ArrayList<>();
        for (TaskRunRecord tr : taskRuns) {
            Integer i = run.dag.index.get(tr.taskId());
            if (i == null) {
                continue;
            }
            TaskSlot task = run.tasks[i];
            task.attempts = tr.attempts();
            task.state = tr.state();
            AttemptRecord lost = running.get(tr.taskId());
            if (lost != null || task.state == TaskState.RUNNING) {
                Task def = run.dag.tasks.get(i);
                String reason = "daemon restarted while the attempt was running";
                boolean retry = def.retry().allowsRetryAfter(task.attempts);
                TaskState next = retry ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
                String attemptId = lost != null ? lost.attemptId() : "";
                dao.finishAttempt(attemptId, record.runId(), def.id(), TaskState.FAILED, next, now,
                        Optional.of(reason), retry ? Optional.of(now) : Optional.empty(), Optional.empty());
                task.state = next;
                if (retry) {
                    retryNow.add(task);
                }
            } else if (task.state == TaskState.UP_FOR_RETRY) {
                retryNow.add(task);
            }
            if (task.state.terminal()) {
                run.unfinished--;
            }
        }
        for (TaskSlot task : run.tasks) {
            task.pendingUpstream = 0;
            for (int up : run.dag.upstream[task.index]) {
                if (run.tasks[up].state != TaskState.SUCCEEDED) {
                    task.pendingUpstream++;
                }
            }
        }
        dao.updateRunState(record.runId(), RunState.RUNNING, Optional.of(record.startedAt().orElse(now)),
                Optional.empty(), Optional.empty());
        active.put(run.runId(), run);
        for (TaskSlot task : run.tasks) {
            if (task.state == TaskState.FAILED || task.state == TaskState.TIMED_OUT
                    || task.state == TaskState.CANCELLED || task.state == TaskState.UPSTREAM_FAILED) {
                failDownstream(run, task);
            }
        }
        for (TaskSlot task : retryNow) {
            scheduleRetry(run, task, Duration.ZERO);
        }
        for (TaskSlot task : run.tasks) {
            if (task.state == TaskState.QUEUED && task.pendingUpstream == 0) {
                ready(run, task);
            }
        }
        finishIfDone(run);
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
