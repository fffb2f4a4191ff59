package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.RenderedTask;
import io.kindling.dsl.Schedule;
import io.kindling.dsl.Secrets;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.Redactor;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.AttemptRecord;
import io.kindling.scheduler.db.BackfillRecord;
import io.kindling.scheduler.db.RepairRecord;
import io.kindling.scheduler.db.TaskRunRecord;
import io.kindling.scheduler.db.RunDao;
import io.kindling.scheduler.db.RunFencedException;
import io.kindling.scheduler.db.RunRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.kindling.scheduler.alerts.AlertPlanner;
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
    static final String INTERRUPTED = "interrupted: the daemon shut down while the attempt was running";

    private final RunDao dao;
    private final Map<String, ExecutorSlots> executors = new HashMap<>();
    private final PipelineVersions versions;
    private final Path logDir;
    private final RunIds runIds;
    private final EngineThread thread;
    private final Map<String, ActiveRun> active = new HashMap<>();
    /** Runs held back by their lane's limit, oldest first, by lane. */
    private final Map<String, ArrayDeque<ActiveRun>> waiting = new HashMap<>();
    private final Map<String, Integer> activeByLane = new HashMap<>();
    private final List<RunListener> listeners = new CopyOnWriteArrayList<>();
    /** Set by a clean stop, or when this daemon learns it was taken for dead: nothing new starts. */
    private boolean draining;
    /** Completes when draining and no attempt holds a slot. */
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private final RemoteAttempts remote;
    private final AlertPlanner alerts;
    private final Secrets secrets;

    /**
     * @param executors executors by name with their task slots
     * @param versions  finds the definition a run was made with, for runs resumed after a restart
     */
    public RunEngine(RunDao dao, Map<String, Executor> executors, Map<String, Integer> slots,
                     PipelineVersions versions, Clock clock, Path logDir) {
        this(dao, executors, slots, versions, clock, logDir, AlertPlanner.none());
    }

    /** @param alerts the alerts each transition causes, written with the transition */
    public RunEngine(RunDao dao, Map<String, Executor> executors, Map<String, Integer> slots,
                     PipelineVersions versions, Clock clock, Path logDir, AlertPlanner alerts) {
        this(dao, executors, slots, versions, clock, logDir, alerts, Secrets.NONE);
    }

    /** @param secrets where each attempt's {@code {{ secrets.NAME }}} values come from */
    public RunEngine(RunDao dao, Map<String, Executor> executors, Map<String, Integer> slots,
                     PipelineVersions versions, Clock clock, Path logDir, AlertPlanner alerts, Secrets secrets) {
        this.dao = dao;
        this.alerts = alerts;
        this.secrets = secrets;
        executors.forEach((name, executor) -> this.executors.put(name,
                new ExecutorSlots(executor, slots.getOrDefault(name, 1))));
        this.remote = new RemoteAttempts(dao.remoteIds(), executors);
        this.versions = versions;
        this.logDir = logDir;
        this.runIds = new RunIds(clock);
        this.thread = new EngineThread(clock, e -> abandon(e.runId(), e.getMessage()));
    }

    private Instant now() {
        return thread.now();
    }

    public void addListener(RunListener listener) {
        listeners.add(listener);
    }

    /** The configured executors' names. */
    public Set<String> executorNames() {
        return Set.copyOf(executors.keySet());
    }

    /** The executor's task slots no attempt holds now (for a gauge: read from any thread, no engine step). */
    public int freeSlots(String executor) {
        ExecutorSlots slots = executors.get(executor);
        return slots == null ? 0 : slots.free;
    }

    /**
     * Resumes the runs a previous life of the daemon left unfinished, and returns once that is done, so that
     * no trigger can interleave with recovery.
     */
    public void start() {
        thread.postAndWait(() -> new RunRecovery(dao, versions, this::laneOf, this::now, remote, alerts)
                .recover(dao.unfinishedRuns(), RunRecovery.RESTARTED, this::resume, this::activate));
    }

    /**
     * Takes over runs this daemon has just adopted from one that stopped or died: attempts that were running there
     * are failed with {@code reason} and retried per their policy; the runs go on from where they stopped.
     */
    public void adopt(List<String> runIds, String reason) {
        thread.postAndWait(() -> {
            List<RunRecord> runs = new ArrayList<>();
            for (String runId : runIds) {
                if (!active.containsKey(runId) && waitingRun(runId) == null) {
                    dao.findRun(runId).ifPresent(runs::add);
                }
            }
            new RunRecovery(dao, versions, this::laneOf, this::now, remote, alerts).recover(runs, reason, this::resume,
                    this::activate);
        });
    }

    /**
     * Stops driving every run, writing nothing: this daemon was taken for dead and its runs belong to others now.
     * Running attempts are cancelled; nothing new starts.
     */
    public void fenceAll(String reason) {
        thread.postAndWait(() -> {
            draining = true;
            List<String> ids = new ArrayList<>(active.keySet());
            waiting.values().forEach(queue -> queue.forEach(run -> ids.add(run.runId())));
            ids.forEach(id -> abandon(id, reason));
        });
    }

    /**
     * Drops a run this daemon no longer owns, without writing anything: its running attempts are cancelled (their
     * ends are not recorded; the new owner resolves them), except those on a cluster, which the new owner follows
     * again by their remote id; its waiting tasks never start.
     */
    private void abandon(String runId, String reason) {
        ActiveRun run = active.remove(runId);
        if (run != null) {
            activeByLane.merge(run.lane.key(), -1, Integer::sum);
        } else {
            run = waitingRun(runId);
            if (run == null) {
                return;
            }
            waiting.get(run.lane.key()).remove(run);
        }
        LOG.warn("Dropping run {} of {}: {}", runId, run.pipeline.id(), reason);
        run.abandoned = true;
        for (RunListener l : listeners) {
            l.runDropped(runId, run.pipeline.id());
        }
        for (TaskSlot task : run.tasks) {
            if (task.handle != null && !reattachable(run, task)) {
                task.handle.cancel(reason);
            }
        }
        startNextInLane(run.lane);
    }

    /**
     * Creates a run (QUEUED) and hands it to the engine. A scheduled run for a logical time that already has
     * one is not created again, and empty is returned.
     *
     * @param overrides parameters that replace or add to the pipeline's {@code params}
     */
    public Optional<RunRecord> trigger(Pipeline pipeline, TriggerType trigger, Instant logicalTime,
                                       Map<String, String> overrides) {
        Map<String, String> params = new LinkedHashMap<>(pipeline.defaultParams());
        params.putAll(overrides);
        RunRecord run = queued(pipeline, trigger, logicalTime, params, now(), Optional.empty());
        List<String> taskIds = pipeline.tasks().stream().map(Task::id).toList();
        if (!dao.insertRun(run, taskIds)) {
            LOG.info("Pipeline {}: a run for {} exists already, not starting another", pipeline.id(), logicalTime);
            return Optional.empty();
        }
        thread.post(() -> activate(new ActiveRun(run, pipeline, templates(run, pipeline), Lane.of(pipeline))));
        return Optional.of(run);
    }

    /**
     * Creates many scheduled runs (QUEUED, the pipelines' default params) in one transaction, then hands them to the
     * engine: what a cron fire of many pipelines does. A logical time that has a scheduled run already gets no
     * other (the database's unique key decides, as for {@link #trigger}).
     *
     * @return the runs created
     */
    public List<RunRecord> triggerScheduled(List<ScheduledRun> due) {
        List<RunRecord> runs = new ArrayList<>(due.size());
        Map<String, Pipeline> pipelines = new HashMap<>();
        Instant now = now();
        for (ScheduledRun s : due) {
            Pipeline pipeline = s.pipeline();
            RunRecord run = queued(pipeline, TriggerType.SCHEDULE, s.logicalTime(), pipeline.defaultParams(), now,
                    Optional.empty());
            runs.add(run);
            pipelines.put(run.runId(), pipeline);
        }
        List<RunRecord> created = dao.insertRuns(runs,
                run -> pipelines.get(run.runId()).tasks().stream().map(Task::id).toList());
        if (created.size() < runs.size()) {
            LOG.info("{} of {} scheduled runs exist already, not starting them again", runs.size() - created.size(),
                    runs.size());
        }
        thread.post(() -> created.forEach(run -> {
            Pipeline pipeline = pipelines.get(run.runId());
            activate(new ActiveRun(run, pipeline, templates(run, pipeline), Lane.of(pipeline)));
        }));
        return created;
    }

    /**
     * Creates a backfill and its runs (QUEUED, trigger BACKFILL, the pipeline's default params), one per logical
     * time, oldest first. They run in the backfill's own lane: at most its max_active_runs at once, and their
     * tasks take an executor slot only when no scheduled or manual task is waiting for it.
     */
    public List<RunRecord> backfill(Pipeline pipeline, BackfillRecord backfill, List<Instant> logicalTimes) {
        List<RunRecord> runs = new ArrayList<>(logicalTimes.size());
        for (Instant logicalTime : logicalTimes) {
            runs.add(queued(pipeline, TriggerType.BACKFILL, logicalTime, pipeline.defaultParams(), now(),
                    Optional.of(backfill.backfillId())));
        }
        dao.insertBackfill(backfill, runs, pipeline.tasks().stream().map(Task::id).toList());
        Lane lane = Lane.backfill(backfill.backfillId(), backfill.maxActiveRuns());
        thread.post(() -> runs.forEach(run -> activate(new ActiveRun(run, pipeline, templates(run, pipeline), lane))));
        return runs;
    }

    /** A new run of the pipeline's current definition. */
    private RunRecord queued(Pipeline pipeline, TriggerType trigger, Instant logicalTime, Map<String, String> params,
                             Instant now, Optional<String> backfillId) {
        return RunRecord.queued(runIds.next(), pipeline.id(), pipeline.contentHash(), versions.gitCommit(pipeline),
                trigger, logicalTime, params, now, backfillId);
    }

    /** Why a repair was refused: the run is still going, or nothing in it needs running again. */
    public static final class RepairRefused extends RuntimeException {
        RepairRefused(String message) {
            super(message);
        }
    }

    /**
     * Repairs a finished run in place: its FAILED, TIMED_OUT, CANCELLED and UPSTREAM_FAILED tasks, tasks the
     * definition has that the run never had, and everything downstream of them run again, as new attempts
     * (earlier ones are kept, and retries count afresh). Tasks that succeeded or were skipped keep their state.
     *
     * @param definition the definition to run with: the run's original version, or the current one
     * @param version    "original" or "current", for the history
     * @throws RepairRefused when the run has not finished or has nothing to repair
     */
    public RepairRecord repair(String runId, Pipeline definition, String version) {
        return thread.call(() -> {
            if (active.containsKey(runId) || waitingRun(runId) != null) {
                throw new RepairRefused("run " + runId + " has not finished; only a finished run can be repaired");
            }
            RunRecord current = dao.findRun(runId).orElseThrow();
            if (!current.state().terminal()) {
                throw new RepairRefused("run " + runId + " is " + current.state()
                        + "; only a finished run can be repaired");
            }
            Map<String, TaskState> recorded = new HashMap<>();
            dao.taskRuns(runId).forEach(tr -> recorded.put(tr.taskId(), tr.state()));
            RepairPlan plan = RepairPlan.of(Dag.of(definition), recorded);
            if (plan.empty()) {
                throw new RepairRefused("run " + runId + " has nothing to repair: no task failed, timed "
                        + "out, was cancelled or upstream-failed");
            }
            Instant now = now();
            java.util.OptionalInt repairNumber = dao.repairRun(runId, definition.contentHash(), version,
                    plan.rerun(), plan.newTasks(), now);
            if (repairNumber.isEmpty()) { // another daemon reopened it first
                throw new RepairRefused("run " + runId + " has not finished; only a finished run can be repaired");
            }
            int number = repairNumber.getAsInt();
            LOG.info("Repair {} of run {} ({} version): running {} again", number, runId, version, plan.rerun());
            RunRecord reopened = current.withState(RunState.QUEUED);
            ActiveRun run = new ActiveRun(reopened, definition, templates(reopened, definition),
                    laneOf(reopened, definition));
            run.repairNumber = number;
            run.restoreTasks(dao.taskRuns(runId));
            runChanged(run, RunState.QUEUED, Optional.empty());
            activate(run);
            return new RepairRecord(runId, number, definition.contentHash(), version, plan.rerun(), now);
        });
    }

    /** The run if it is waiting its turn in a lane, else null. */
    private ActiveRun waitingRun(String runId) {
        for (ArrayDeque<ActiveRun> queue : waiting.values()) {
            for (ActiveRun queued : queue) {
                if (queued.runId().equals(runId)) {
                    return queued;
                }
            }
        }
        return null;
    }

    /** A run's lane: its backfill's, or its pipeline's. */
    private Lane laneOf(RunRecord run, Pipeline pipeline) {
        return run.backfillId()
                .flatMap(dao::findBackfill)
                .map(b -> Lane.backfill(b.backfillId(), b.maxActiveRuns()))
                .orElse(Lane.of(pipeline));
    }

    /**
     * Cancels a run: running attempts are stopped (their Spark jobs cancelled), tasks that have not started
     * are SKIPPED, and the run ends CANCELLED once its attempts have stopped. A run that has ended is left as it
     * is: cancel is idempotent.
     *
     * @return false when this engine is not driving the run (it has ended, or another daemon owns it)
     */
    public boolean cancel(String runId) {
        return thread.call(() -> {
            try {
                ActiveRun run = active.get(runId);
                if (run != null) {
                    cancel(run);
                    return true;
                }
                ActiveRun queued = waitingRun(runId);
                if (queued != null) {
                    waiting.get(queued.lane.key()).remove(queued);
                    queued.cancelling = true;
                    cancelUnstarted(queued, "run cancelled before it started");
                    end(queued, RunState.CANCELLED, Optional.of("cancelled"));
                    return true;
                }
                return false;
            } catch (RunFencedException e) { // adopted by another daemon meanwhile: it is that one's to cancel
                abandon(runId, e.getMessage());
                return false;
            }
        });
    }

    static TemplateContext templates(RunRecord run, Pipeline pipeline) {
        return TemplateContext.of(pipeline, run.runId(), run.logicalTime(),
                pipeline.schedule().map(Schedule::timezone).orElse(ZoneOffset.UTC), run.params());
    }

    /** Starts a run, or queues it behind the running ones of its lane (max_active_runs). */
    private void activate(ActiveRun run) {
        if (active.containsKey(run.runId())) {
            return; // resumed by recovery already
        }
        if (draining || activeByLane.getOrDefault(run.lane.key(), 0) >= run.lane.maxActive()) {
            waiting.computeIfAbsent(run.lane.key(), k -> new ArrayDeque<>()).add(run);
            return;
        }
        EngineMdc.run(run.pipeline.id(), run.runId());
        run.moveTo(RunState.RUNNING, () -> dao.updateRunState(run.runId(), RunState.RUNNING, Optional.of(now()),
                Optional.empty(), Optional.empty()));
        LOG.info("Run {} of {} started", run.runId(), run.pipeline.id());
        track(run);
        watchDuration(run);
        runChanged(run, RunState.RUNNING, Optional.empty());
        proceed(run, List.of());
    }

    /** Alerts once if the run is still going after its pipeline's {@code on_duration_over}. */
    private void watchDuration(ActiveRun run) {
        run.pipeline.alerts().onDurationOver().ifPresent(limit -> {
            // a resumed run has been going since it started; one past its limit already alerted then (or not at all)
            Duration left = limit.minus(Duration.between(run.run.startedAt().orElse(now()), now()));
            if (left.isNegative()) {
                return;
            }
            thread.after(left, () -> {
                if (active.get(run.runId()) == run && !run.abandoned) {
                    EngineMdc.run(run.pipeline.id(), run.runId());
                    dao.recordAlerts(run.runId(), alerts.durationOver(run.pipeline, run.runId(), limit, now()));
                    LOG.info("Run {} of {} still running after {}", run.runId(), run.pipeline.id(), limit);
                }
            });
        });
    }

    /** Takes over a run that recovery rebuilt: its tasks' states are already set; retries are due as recorded. */
    private void resume(ActiveRun run, List<TaskSlot> retryNow) {
        track(run);
        watchDuration(run);
        run.reattach.forEach(r -> reattach(run, r));
        proceed(run, retryNow);
    }

    /**
     * Sets a run going from the states its tasks are in: a new run's roots start; in a resumed or repaired run,
     * the tasks that have ended tell their dependents how, and the rest decide once that is certain.
     */
    private void proceed(ActiveRun run, List<TaskSlot> retryNow) {
        Instant now = now();
        for (TaskSlot task : retryNow) {
            Instant due = task.retryAt != null ? task.retryAt : now;
            scheduleRetry(run, task, due.isAfter(now) ? Duration.between(now, due) : Duration.ZERO);
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
            if (task.state() == TaskState.QUEUED && !task.released) {
                decide(run, task);
            }
        }
        finishIfDone(run);
    }

    private void track(ActiveRun run) {
        active.put(run.runId(), run);
        activeByLane.merge(run.lane.key(), 1, Integer::sum);
    }

    /** The trigger rule lets the task run: it takes an executor slot, or waits for one. */
    private void release(ActiveRun run, TaskSlot task) {
        task.released = true;
        ready(run, task);
    }

    private void ready(ActiveRun run, TaskSlot task) {
        task.readyAt = now();
        task.readyNanos = System.nanoTime();
        Task def = run.dag.tasks.get(task.index);
        ExecutorSlots slots = executors.get(def.executor());
        if (slots == null) {
            // Validation checks executor names against config.yml; this is a run resumed after a config change.
            endWithoutAttempt(run, task, TaskState.FAILED, "executor '" + def.executor() + "' is not configured");
            return;
        }
        if (slots.free > 0 && !draining) {
            slots.free--;
            task.holdsSlot = true;
            launch(run, task, slots);
        } else {
            slots.add(new ExecutorSlots.Waiting(run, task));
        }
    }

    private void launch(ActiveRun run, TaskSlot task, ExecutorSlots slots) {
        Task def = run.dag.tasks.get(task.index);
        task.attempts++;
        task.timedOut = false;
        task.attemptId = run.runId() + "." + def.id() + "." + task.attempts;
        EngineMdc.task(run.pipeline.id(), run.runId(), def.id(), task.attempts);
        Path logFile = logDir.resolve(run.pipeline.id()).resolve(run.runId())
                .resolve(def.id() + "." + task.attempts + ".log");
        RenderedTask rendered = null;
        String renderError = null;
        try {
            rendered = RenderedTask.of(def, run.templates, secrets);
        } catch (IllegalArgumentException e) {
            renderError = e.getMessage();
        }
        task.redactor = rendered == null ? Redactor.NONE : Redactor.of(rendered.secretValues());
        AttemptRecord attempt = new AttemptRecord(task.attemptId, run.runId(), def.id(), task.attempts,
                def.executor(), TaskState.RUNNING, Optional.empty(), task.readyAt, Optional.of(now()), Optional.empty(),
                Optional.empty(), logFile.toString(), run.repairNumber,
                Optional.ofNullable(rendered).map(r -> describe(r.masked())));
        try {
            task.moveTo(TaskState.RUNNING, () -> dao.startAttempt(attempt));
        } catch (RunFencedException e) {
            freeSlot(run, task); // another daemon owns the run now: this attempt never starts
            throw e;
        }
        LOG.info("Task {} attempt {} of run {} started on executor {}", def.id(), task.attempts, run.runId(),
                def.executor());
        taskChanged(run, task, Optional.empty());
        Duration queueWait = Duration.ofNanos(System.nanoTime() - task.readyNanos);
        for (RunListener l : listeners) {
            l.attemptStarted(run.runId(), run.pipeline.id(), def.id(), def.executor(), task.attempts, queueWait);
        }

        String attemptId = task.attemptId;
        if (rendered == null) {
            attemptEnded(run, task, attemptId, AttemptResult.failed(renderError), Optional.empty());
            return;
        }
        AttemptRequest request = new AttemptRequest(attemptId, run.runId(), run.pipeline.id(), def.id(),
                task.attempts, rendered.body(), run.run.params(), rendered.sparkConf(), logFile, task.redactor);
        follow(run, task, attemptId, slots.executor.start(request, remote.listener(attemptId)), Duration.ZERO);
    }

    /** Waits for the attempt's end, and times it out {@code timeout} after it started ({@code elapsed} ago). */
    private void follow(ActiveRun run, TaskSlot task, String attemptId, AttemptHandle handle, Duration elapsed) {
        Task def = run.dag.tasks.get(task.index);
        task.handle = handle;
        handle.result().whenComplete((result, error) -> thread.post(() -> attemptEnded(run, task, attemptId,
                result != null ? result : AttemptResult.failed("executor error: " + error),
                handle.sparkApplicationId())));
        def.timeout().ifPresent(timeout -> task.timeout = thread.after(timeout.minus(elapsed),
                () -> timeOut(task, attemptId, timeout)));
    }

    /** Follows an attempt a previous life of the daemon started on a cluster, by its remote id. */
    private void reattach(ActiveRun run, RemoteAttempts.Reattach found) {
        TaskSlot task = found.task();
        AttemptRecord attempt = found.attempt();
        Task def = run.dag.tasks.get(task.index);
        ExecutorSlots slots = executors.get(attempt.executor());
        slots.free--;
        task.holdsSlot = true;
        task.attemptId = attempt.attemptId();
        LOG.info("Run {}: following attempt {} again on executor {} ({})", run.runId(), attempt.attemptId(),
                attempt.executor(), found.remoteId());
        AttemptHandle handle;
        try {
            RenderedTask rendered = RenderedTask.of(def, run.templates, secrets);
            task.redactor = Redactor.of(rendered.secretValues());
            handle = slots.executor.attach(new AttemptRequest(attempt.attemptId(), run.runId(), run.pipeline.id(),
                    def.id(), attempt.attemptNumber(), rendered.body(), run.run.params(),
                    rendered.sparkConf(), Path.of(attempt.logPath()), task.redactor), found.remoteId(),
                    remote.listener(attempt.attemptId()));
        } catch (RuntimeException e) { // the run must go on: the attempt fails and is retried by its policy
            attemptEnded(run, task, attempt.attemptId(), AttemptResult.failed("cannot follow "
                    + found.remoteId() + " again after a restart: " + e.getMessage()), Optional.empty());
            return;
        }
        follow(run, task, attempt.attemptId(), handle, Duration.between(attempt.startedAt().orElse(now()), now()));
    }

    private void timeOut(TaskSlot task, String attemptId, Duration timeout) {
        if (attemptId.equals(task.attemptId) && task.state() == TaskState.RUNNING) {
            task.timedOut = true;
            task.handle.cancel("timed out after " + timeout);
        }
    }

    private void attemptEnded(ActiveRun run, TaskSlot task, String attemptId, AttemptResult result,
                              Optional<String> sparkAppId) {
        if (!attemptId.equals(task.attemptId) || task.state() != TaskState.RUNNING) {
            return; // a late answer for an attempt already resolved
        }
        if (run.abandoned) {
            task.handle = null;
            freeSlot(run, task);
            return;
        }
        if (task.timeout != null) {
            task.timeout.cancel(false);
            task.timeout = null;
        }
        task.handle = null;
        Task def = run.dag.tasks.get(task.index);
        EngineMdc.task(run.pipeline.id(), run.runId(), def.id(), task.attempts);
        Instant now = now();
        TaskState attemptState = switch (result.outcome()) {
            case SUCCEEDED -> TaskState.SUCCEEDED;
            case FAILED -> TaskState.FAILED;
            case CANCELLED -> task.timedOut ? TaskState.TIMED_OUT : TaskState.CANCELLED;
        };
        // Masked before it is stored, logged or put in an alert: whatever the executor did, no secret leaves here.
        Optional<String> error = attemptState == TaskState.TIMED_OUT
                ? Optional.of("timed out after " + def.timeout().map(Duration::toString).orElse("?"))
                : result.error().map(task.redactor::mask);
        boolean retry = !run.cancelling
                && (attemptState == TaskState.FAILED || attemptState == TaskState.TIMED_OUT)
                && def.retry().allowsRetryAfter(task.attempts - task.attemptBase);
        TaskState next = retry ? TaskState.UP_FOR_RETRY : attemptState;
        Duration delay = retry ? def.retry().delayAfter(task.attempts) : Duration.ZERO;
        boolean failed = attemptState == TaskState.FAILED || attemptState == TaskState.TIMED_OUT;
        try {
            task.moveTo(next, () -> dao.finishAttempt(attemptId, run.runId(), def.id(), attemptState, next, now, error,
                    retry ? Optional.of(now.plus(delay)) : Optional.empty(), sparkAppId,
                    failed ? alerts.attemptFailed(run.pipeline, run.runId(), def.id(), task.attempts, attemptState,
                            retry, error, now) : List.of()));
        } catch (RunFencedException e) {
            freeSlot(run, task);
            throw e;
        }
        LOG.info("Task {} attempt {} of run {} ended {}{}{}", def.id(), task.attempts, run.runId(), attemptState,
                error.map(e -> ": " + e).orElse(""), retry ? "; retrying in " + delay : "");
        freeSlot(run, task);
        if (retry) {
            taskChanged(run, task, error);
            scheduleRetry(run, task, delay);
        } else {
            run.unfinished--;
            taskChanged(run, task, error);
            settled(run, task);
        }
        finishIfDone(run);
    }

    private void scheduleRetry(ActiveRun run, TaskSlot task, Duration delay) {
        thread.after(delay, () -> {
            if (task.state() != TaskState.UP_FOR_RETRY || run.cancelling || run.abandoned) {
                return;
            }
            String taskId = run.dag.tasks.get(task.index).id();
            task.moveTo(TaskState.QUEUED, () -> dao.updateTaskStates(run.runId(), List.of(taskId), TaskState.QUEUED,
                    Optional.empty(), Optional.empty()));
            taskChanged(run, task, Optional.empty());
            ready(run, task);
        });
    }

    /** Gives back the slot the task's attempt held, to the next task waiting for one. */
    private void freeSlot(ActiveRun run, TaskSlot task) {
        if (!task.holdsSlot) {
            return;
        }
        task.holdsSlot = false;
        ExecutorSlots slots = executors.get(run.dag.tasks.get(task.index).executor());
        ExecutorSlots.Waiting next;
        while (!draining && (next = slots.poll()) != null) {
            // not skipped by a cancel while it waited, nor dropped with its run
            if (next.task().state() == TaskState.QUEUED && !next.run().abandoned) {
                next.task().holdsSlot = true;
                try {
                    launch(next.run(), next.task(), slots);
                } catch (RunFencedException e) { // that run is another daemon's now; the slot went on already
                    abandon(e.runId(), e.getMessage());
                }
                return;
            }
        }
        slots.free++;
        if (draining && idle()) {
            drained.complete(null);
        }
    }

    /** No attempt holds a slot, but those on clusters, which go on without the daemon and are followed again. */
    private boolean idle() {
        for (ExecutorSlots slots : executors.values()) {
            if (slots.free < slots.capacity && !slots.executor.canAttach()) {
                return false;
            }
        }
        return true;
    }

    /** The attempt runs on a cluster under a recorded id: a later owner follows it again rather than rerun it. */
    private boolean reattachable(ActiveRun run, TaskSlot task) {
        return task.handle != null && task.handle.remoteId().isPresent()
                && executors.get(run.dag.tasks.get(task.index).executor()).executor.canAttach();
    }

    /** A task has ended for good: its dependents' trigger rules learn how. */
    private void settled(ActiveRun run, TaskSlot ended) {
        for (int d : run.dag.dependents[ended.index]) {
            TaskSlot dependent = run.tasks[d];
            dependent.countUpstream(ended.state());
            if (dependent.state() == TaskState.QUEUED && !dependent.released && !run.cancelling) {
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
        EngineMdc.task(run.pipeline.id(), run.runId(), taskId, task.attempts);
        task.moveTo(state, () -> dao.updateTaskStates(run.runId(), List.of(taskId), state, Optional.of(now()),
                Optional.of(reason)));
        LOG.info("Task {} of run {} ended {} without an attempt: {}", taskId, run.runId(), state, reason);
        run.unfinished--;
        taskChanged(run, task, Optional.of(reason));
        settled(run, task);
    }

    private void cancel(ActiveRun run) {
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
        TaskSlot.moveAll(unstarted, TaskState.CANCELLED, () -> dao.updateTaskStates(run.runId(), ids,
                TaskState.CANCELLED, Optional.of(now()), Optional.of(reason)));
        for (TaskSlot task : unstarted) {
            run.unfinished--;
            taskChanged(run, task, Optional.of(reason));
        }
    }

    /** When every task has ended, the run ends as {@link RunOutcome} says. */
    private void finishIfDone(ActiveRun run) {
        if (run.unfinished > 0 || !active.containsKey(run.runId())) {
            return;
        }
        RunOutcome outcome = RunOutcome.of(run);
        active.remove(run.runId());
        activeByLane.merge(run.lane.key(), -1, Integer::sum);
        end(run, outcome.state(), outcome.error());
        startNextInLane(run.lane);
    }

    private void startNextInLane(Lane lane) {
        ArrayDeque<ActiveRun> queue = waiting.get(lane.key());
        if (queue != null && !queue.isEmpty() && !draining) {
            ActiveRun next = queue.poll();
            try {
                activate(next);
            } catch (RunFencedException e) { // that run is another daemon's now
                abandon(e.runId(), e.getMessage());
            }
        }
    }

    /** What an attempt runs, as stored with it: the SQL itself, or the class or command and arguments. */
    static String describe(TaskBody body) {
        if (body instanceof TaskBody.Sql sql) {
            return sql.sql();
        }
        if (body instanceof TaskBody.JavaClass java) {
            return "class " + java.className() + " " + java.args();
        }
        TaskBody.Submit submit = (TaskBody.Submit) body;
        return "submit " + submit.jar() + " " + submit.mainClass() + " " + submit.args();
    }

    private void end(ActiveRun run, RunState state, Optional<String> error) {
        EngineMdc.run(run.pipeline.id(), run.runId());
        Instant now = now();
        run.moveTo(state, () -> dao.updateRunState(run.runId(), state, Optional.empty(), Optional.of(now), error,
                alerts.runEnded(run.pipeline, run.runId(), state, error, now)));
        LOG.info("Run {} of {} ended {}{}", run.runId(), run.pipeline.id(), state,
                error.map(e -> ": " + e).orElse(""));
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
            l.taskChanged(run.runId(), taskId, task.state(), task.attempts, error);
        }
    }

    /**
     * A clean stop: nothing new starts; running attempts get up to {@code grace} to finish and be recorded; those
     * still running then are recorded as interrupted (their tasks QUEUED again, the attempt not counted against
     * retries) and cancelled. Attempts on a cluster that can be followed again are left running, not waited for.
     * The daemon's unfinished runs are then released, so that its next start, or another daemon, takes them up at
     * once.
     */
    public void shutdown(Duration grace) {
        CompletableFuture<Void> idle = thread.call(() -> {
            draining = true;
            if (idle()) {
                drained.complete(null);
            }
            return drained;
        });
        try {
            idle.get(Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.info("Attempts still running after the {} shutdown grace period: interrupting them", grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        thread.postAndWait(this::interruptAll);
        close();
    }

    private void interruptAll() {
        Instant now = now();
        for (ActiveRun run : new ArrayList<>(active.values())) {
            for (TaskSlot task : run.tasks) {
                if (task.state() == TaskState.RUNNING && task.attemptId != null && !reattachable(run, task)) {
                    try {
                        dao.interruptAttempt(task.attemptId, run.runId(), run.dag.tasks.get(task.index).id(), now,
                                INTERRUPTED);
                    } catch (RunFencedException e) {
                        LOG.warn("{}", e.getMessage());
                    }
                }
            }
            abandon(run.runId(), INTERRUPTED);
        }
        int released = dao.owner().isPresent() ? dao.releaseUnfinished() : 0;
        if (released > 0) {
            LOG.info("Released {} unfinished runs for the next daemon to take up", released);
        }
    }

    /** Stops dispatching at once. Running attempts are left to the executors' close (they record nothing further). */
    @Override
    public void close() {
        thread.close();
    }
}
