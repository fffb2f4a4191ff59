package io.kindling.scheduler.core;

import io.kindling.dsl.RenderedTask;
import io.kindling.dsl.Secrets;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.TaskValues;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Redactor;
import io.kindling.executor.TaskValuesJson;
import io.kindling.scheduler.alerts.AlertPlanner;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.AttemptLimit;
import io.kindling.scheduler.db.RunFencedException;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.libraries.Libraries;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's attempts, on the engine thread: a task the trigger rule released takes an executor slot (or waits for
 * one), its attempt is written, started and followed, timed out, and ended; a failed attempt is retried by the
 * task's policy; the slot then goes to the next task waiting for it.
 */
final class AttemptRunner {
    /** The engine's lines keep one logger, RunEngine's: log settings and {@code kindling run} select it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final RunStore dao;
    private final AlertPlanner alerts;
    private final EngineThread thread;
    private final Admission admission;
    private final RunEvents events;
    private final RemoteAttempts remote;
    private final Libraries libraries;
    private final Secrets secrets;
    private final AttemptLogs logs;
    private final RunProgress progress;
    /** Drops a run another daemon owns now. */
    private final Consumer<RunFencedException> fenced;

    private final UpstreamValues upstreamValues;
    private final ChildRuns children;
    private final ForEachRuns forEachRuns;

    /** What a condition task's attempt records as its executor: it runs in the scheduler, on no executor's slot. */
    static final String CONDITION_EXECUTOR = "scheduler";

    AttemptRunner(
            RunStore dao,
            AlertPlanner alerts,
            EngineThread thread,
            Admission admission,
            RunEvents events,
            RemoteAttempts remote,
            Secrets secrets,
            Libraries libraries,
            AttemptLogs logs,
            RunProgress progress,
            Consumer<RunFencedException> fenced,
            ChildRuns children) {
        this.dao = dao;
        this.alerts = alerts;
        this.thread = thread;
        this.admission = admission;
        this.events = events;
        this.remote = remote;
        this.secrets = secrets;
        this.libraries = libraries;
        this.logs = logs;
        this.progress = progress;
        this.fenced = fenced;
        this.upstreamValues = new UpstreamValues(dao);
        this.children = children;
        this.forEachRuns = new ForEachRuns(dao, progress::decideIteration);
    }

    /** The task may run now (released, or its retry is due): it takes an executor slot, or waits for one. */
    void ready(ActiveRun run, TaskSlot task) {
        task.readyAt = thread.now();
        task.readyNanos = System.nanoTime();
        Task def = run.dag.tasks.get(task.index);
        if (def.body() instanceof TaskBody.ConditionCheck) {
            decide(run, task);
            return;
        }
        if (def.body() instanceof TaskBody.RunPipeline) {
            runPipeline(run, task);
            return;
        }
        if (def.body() instanceof TaskBody.ForEach) {
            forEach(run, task);
            return;
        }
        ExecutorSlots slots = admission.slots(def.executor());
        if (slots == null) {
            // Validation checks executor names against config.yml; this is a run resumed after a config change.
            progress.endWithoutAttempt(
                    run, task, TaskState.FAILED, "executor '" + def.executor() + "' is not configured");
            return;
        }
        if (def.pool().isPresent()) { // the pool's place first: a task waiting for one holds no executor slot
            PoolPlaces pool = admission.pool(def.pool().get());
            if (pool == null) {
                progress.endWithoutAttempt(
                        run, task, TaskState.FAILED, "pool '" + def.pool().get() + "' is not configured");
                return;
            }
            if (!admission.take(pool, run, task)) {
                return;
            }
        }
        takeSlot(run, task);
    }

    /** The task (holding its pool's place, if it has a pool) takes an executor slot and starts, or waits for one. */
    private void takeSlot(ActiveRun run, TaskSlot task) {
        ExecutorSlots slots = admission.slots(run.dag.tasks.get(task.index).executor());
        if (admission.take(slots, run, task)) {
            launch(run, task, slots);
        }
    }

    /** How often places that other daemons' attempts fill are asked about again. */
    private static final Duration PLACES_RECHECK = Duration.ofMillis(500);

    /**
     * The limits that hold over every daemon, counted in the history as the attempt starts: its pool's places, and
     * its executor's slots when that runs on a cluster (a local executor's slots are this daemon's own).
     */
    private List<AttemptLimit> limits(Task def, ExecutorSlots slots) {
        boolean cluster = slots.executor.canAttach();
        if (!cluster && def.pool().isEmpty()) {
            return List.of(); // the common case: nothing more to count, and nothing to allocate
        }
        List<AttemptLimit> limits = new ArrayList<>(2);
        if (cluster) {
            limits.add(AttemptLimit.executor(def.executor(), slots.capacity));
        }
        def.pool().ifPresent(pool -> limits.add(AttemptLimit.pool(pool, admission.pool(pool).capacity)));
        return limits;
    }

    /** The history refused the start: the places other daemons fill are not handed out here until asked again. */
    private static final class PlacesTaken extends RuntimeException {
        final AttemptLimit limit;

        PlacesTaken(AttemptLimit limit) {
            super(null, null, false, false);
            this.limit = limit;
        }
    }

    /**
     * Other daemons' attempts fill {@code limit}: the task gives back what it took of it and waits again, first; a
     * task refused by its pool also gives back its executor slot, to a task that may need no place of that pool.
     */
    private void refusedStart(ActiveRun run, TaskSlot task, ExecutorSlots slots, AttemptLimit limit) {
        LOG.debug(
                "Task {} of run {} waits: {} is full",
                run.dag.tasks.get(task.index).id(),
                run.runId(),
                limit);
        if (limit.kind() == AttemptLimit.Kind.EXECUTOR) {
            slots.fullElsewhere = true;
            admission.refused(slots, run, task);
            recheckLater(slots);
            return;
        }
        PoolPlaces pool = admission.pool(limit.name());
        pool.fullElsewhere = true;
        admission.refused(pool, run, task);
        recheckLater(pool);
        task.holdsSlot = false;
        Places.Waiting next = admission.handOver(slots);
        if (next != null) {
            start(next.run(), next.task(), slots);
        }
    }

    private void recheckLater(Places places) {
        if (places.recheckDue) {
            return;
        }
        places.recheckDue = true;
        thread.after(PLACES_RECHECK, () -> {
            places.recheckDue = false;
            places.fullElsewhere = false;
            Places.Waiting next;
            while ((next = admission.takeFree(places)) != null) {
                if (places instanceof ExecutorSlots slots) {
                    start(next.run(), next.task(), slots);
                } else {
                    startAfterPlace(next);
                }
            }
        });
    }

    /** A task handed a slot from the engine thread's own step: a run another daemon owns now is dropped. */
    private void start(ActiveRun run, TaskSlot task, ExecutorSlots slots) {
        try {
            launch(run, task, slots);
        } catch (RunFencedException e) { // that run is another daemon's now; the slot went on already
            fenced.accept(e);
        }
    }

    /** A task handed its pool's place goes on to its executor slot. */
    private void startAfterPlace(Places.Waiting next) {
        try {
            takeSlot(next.run(), next.task());
        } catch (RunFencedException e) {
            fenced.accept(e);
        }
    }

    private void launch(ActiveRun run, TaskSlot task, ExecutorSlots slots) {
        Task def = run.dag.tasks.get(task.index);
        String previousAttempt = task.attemptId;
        Path logFile = nextAttempt(run, task, def);
        RenderedTask rendered = null;
        String renderError = null;
        List<Path> jars = List.of();
        try {
            rendered = RenderedTask.of(def, upstreamValues.context(run, def), secrets);
            jars = libraries.paths(def.libraries());
        } catch (IllegalArgumentException e) {
            rendered = null;
            renderError = e.getMessage();
        }
        task.redactor = rendered == null ? Redactor.NONE : Redactor.of(rendered.secretValues());
        AttemptRecord attempt = running(
                run,
                task,
                def.executor(),
                thread.now(),
                logFile,
                Optional.ofNullable(rendered).map(r -> describe(r.masked())));
        List<AttemptLimit> limits = limits(def, slots);
        try {
            task.moveTo(TaskState.RUNNING, () -> {
                if (limits.isEmpty()) {
                    dao.startAttempt(attempt);
                } else {
                    dao.startAttempt(attempt, limits).ifPresent(full -> {
                        throw new PlacesTaken(full);
                    });
                }
            });
        } catch (RunFencedException e) {
            freeSlot(run, task); // another daemon owns the run now: this attempt never starts
            throw e;
        } catch (PlacesTaken taken) {
            task.attempts--;
            task.attemptId = previousAttempt;
            refusedStart(run, task, slots, taken.limit);
            return;
        }
        LOG.info(
                "Task {} attempt {} of run {} started on executor {}",
                def.id(),
                task.attempts,
                run.runId(),
                def.executor());
        events.taskChanged(run, task, Optional.empty());
        events.attemptStarted(
                run, def.id(), def.executor(), task.attempts, Duration.ofNanos(System.nanoTime() - task.readyNanos));

        String attemptId = task.attemptId;
        if (rendered == null) {
            attemptEnded(run, task, attemptId, AttemptResult.failed(renderError), Optional.empty());
            return;
        }
        AttemptRequest request = new AttemptRequest(
                attemptId,
                run.runId(),
                run.pipeline.id(),
                def.id(),
                task.attempts,
                rendered.body(),
                run.run.params(),
                rendered.sparkConf(),
                logFile,
                task.redactor,
                jars,
                logs.limit());
        follow(run, task, attemptId, slots.executor.start(request, remote.listener(attemptId)), Duration.ZERO);
    }

    /** Numbers the task's next attempt and names it (its id, the MDC); returns where its log goes. */
    private Path nextAttempt(ActiveRun run, TaskSlot task, Task def) {
        task.attempts++;
        task.timedOut = false;
        task.attemptId = run.runId() + "." + def.id() + "." + task.attempts;
        EngineMdc.task(run.pipeline.id(), run.runId(), def.id(), task.attempts);
        return logs.of(run.pipeline.id(), run.runId(), def.id(), task.attempts);
    }

    /** The attempt {@code task} starts now, as written when it starts: RUNNING since {@code startedAt}. */
    private static AttemptRecord running(
            ActiveRun run, TaskSlot task, String executor, Instant startedAt, Path logFile, Optional<String> shown) {
        return new AttemptRecord(
                task.attemptId,
                run.runId(),
                run.dag.tasks.get(task.index).id(),
                task.attempts,
                executor,
                TaskState.RUNNING,
                Optional.empty(),
                task.readyAt,
                Optional.of(startedAt),
                Optional.empty(),
                Optional.empty(),
                logFile.toString(),
                run.repairNumber,
                shown);
    }

    /**
     * A condition task's one attempt, made here on the engine thread: no executor, no slot, no Spark. Its outcome is
     * written with the attempt, and the task succeeds; a side that is not a number for an ordering operator, or a
     * template that names nothing, fails it (and it is not retried: the same values would give the same answer).
     */
    private void decide(ActiveRun run, TaskSlot task) {
        Task def = run.dag.tasks.get(task.index);
        Path logFile = nextAttempt(run, task, def);
        AttemptResult result;
        String shown = null;
        try {
            RenderedTask rendered = RenderedTask.of(def, upstreamValues.context(run, def), secrets);
            task.redactor = Redactor.of(rendered.secretValues());
            shown = describe(rendered.masked());
            boolean outcome =
                    ((TaskBody.ConditionCheck) rendered.body()).condition().evaluate();
            result = AttemptResult.succeeded().withValues(Map.of(TaskBody.ConditionCheck.OUTCOME, outcome));
        } catch (IllegalArgumentException e) {
            result = AttemptResult.failed(e.getMessage());
        }
        Instant now = thread.now();
        AttemptRecord attempt = running(run, task, CONDITION_EXECUTOR, now, logFile, Optional.ofNullable(shown));
        task.moveTo(TaskState.RUNNING, () -> dao.startAttempt(attempt));
        events.taskChanged(run, task, Optional.empty());
        writeConditionLog(logFile, shown, result, task.redactor);
        attemptEnded(run, task, task.attemptId, result, Optional.empty());
    }

    /**
     * A run_pipeline task's attempt, made here on the engine thread like a condition's (no executor, no slot): it is
     * written RUNNING, then makes its run of the other pipeline (linked to it, at most once per attempt) and follows
     * it; a cancel of this run or the task's timeout cancels that run.
     */
    private void runPipeline(ActiveRun run, TaskSlot task) {
        Task def = run.dag.tasks.get(task.index);
        Path logFile = nextAttempt(run, task, def);
        RenderedTask rendered = null;
        String renderError = null;
        try {
            rendered = RenderedTask.of(def, upstreamValues.context(run, def), secrets);
        } catch (IllegalArgumentException e) {
            renderError = e.getMessage();
        }
        task.redactor = rendered == null ? Redactor.NONE : Redactor.of(rendered.secretValues());
        AttemptRecord attempt = running(
                run,
                task,
                CONDITION_EXECUTOR,
                thread.now(),
                logFile,
                Optional.ofNullable(rendered).map(r -> describe(r.masked())));
        task.moveTo(TaskState.RUNNING, () -> dao.startAttempt(attempt));
        events.taskChanged(run, task, Optional.empty());
        String attemptId = task.attemptId;
        if (rendered == null) {
            attemptEnded(run, task, attemptId, AttemptResult.failed(renderError), Optional.empty());
            return;
        }
        followChild(run, task, task.attempts, (TaskBody.RunPipeline) rendered.body(), Duration.ZERO);
    }

    /**
     * A for-each task's attempt, made here on the engine thread (no executor slot of its own): written RUNNING, it
     * makes its iterations (or finds those the run has) and ends when they have; see {@link ForEachRuns}.
     */
    private void forEach(ActiveRun run, TaskSlot task) {
        Task def = run.dag.tasks.get(task.index);
        Path logFile = nextAttempt(run, task, def);
        AttemptRecord attempt =
                running(run, task, CONDITION_EXECUTOR, thread.now(), logFile, Optional.of(describe(def.body())));
        task.moveTo(TaskState.RUNNING, () -> dao.startAttempt(attempt));
        events.taskChanged(run, task, Optional.empty());
        followForEach(run, task, logFile);
    }

    /** Starts (or, after a restart, goes on with) the for-each's iterations, and ends its attempt when they end. */
    private void followForEach(ActiveRun run, TaskSlot task, Path logFile) {
        Task def = run.dag.tasks.get(task.index);
        String attemptId = task.attemptId;
        AttemptHandle handle;
        try {
            handle = forEachRuns.start(run, task, upstreamValues.context(run, def));
        } catch (IllegalArgumentException e) {
            handle = AttemptHandle.ended(AttemptResult.failed(e.getMessage()));
        }
        task.handle = handle;
        writeSchedulerLog(
                logFile,
                describe(def.body()) + "\n"
                        + (task.iterations == null ? "no iterations" : task.iterations.size() + " iterations") + "\n");
        handle.result()
                .whenComplete((result, error) -> thread.post(() -> attemptEnded(
                        run,
                        task,
                        attemptId,
                        result != null ? result : AttemptResult.failed("for_each error: " + error),
                        Optional.empty())));
    }

    /** A task of a for-each's iteration has ended for good. */
    void iterationEnded(ActiveRun run, TaskSlot iteration) {
        forEachRuns.iterationEnded(run, iteration);
    }

    /** Whether the for-each of a task of an iteration runs, and has let that iteration start. */
    boolean iterating(ActiveRun run, TaskSlot iteration) {
        return forEachRuns.iterating(run, iteration);
    }

    /** Makes or finds the attempt's run and follows it; a run that cannot be made fails the attempt. */
    private void followChild(
            ActiveRun run, TaskSlot task, int attemptNumber, TaskBody.RunPipeline body, Duration elapsed) {
        Task def = run.dag.tasks.get(task.index);
        String attemptId = task.attemptId;
        ChildRuns.Followed followed;
        try {
            followed = children.start(run, def.id(), attemptNumber, attemptId, body);
        } catch (RunFencedException e) {
            throw e;
        } catch (RuntimeException e) { // the history refused the run: the attempt fails, retried by its policy
            LOG.warn("Task {} of run {} could not start a run of {}", def.id(), run.runId(), body.pipeline(), e);
            followed = new ChildRuns.Followed(
                    Optional.empty(),
                    AttemptHandle.ended(AttemptResult.failed("cannot start a run of '" + body.pipeline() + "': " + e)));
        }
        Path logFile = logs.of(run.pipeline.id(), run.runId(), def.id(), attemptNumber);
        writeSchedulerLog(
                logFile,
                task.redactor.mask(describe(body)) + "\n"
                        + followed.run()
                                .map(child -> "run " + child.runId() + " of pipeline " + child.pipelineId()
                                        + (body.waitForEnd() ? ": waiting for it to end" : ""))
                                .orElse("no run was made")
                        + "\n");
        follow(run, task, attemptId, followed.handle(), elapsed);
    }

    /** The condition and how it came out, as the attempt's log (best effort: the outcome is in the history). */
    private static void writeConditionLog(Path logFile, String shown, AttemptResult result, Redactor redactor) {
        writeSchedulerLog(
                logFile,
                (shown == null ? "" : shown + "\n")
                        + result.error()
                                .map(e -> "failed: " + redactor.mask(e))
                                .orElseGet(() -> "outcome: " + result.values().get(TaskBody.ConditionCheck.OUTCOME))
                        + "\n");
    }

    /** The log of an attempt the scheduler makes itself (best effort: what matters is in the history). */
    private static void writeSchedulerLog(Path logFile, String text) {
        try {
            java.nio.file.Files.createDirectories(logFile.getParent());
            java.nio.file.Files.writeString(logFile, text);
        } catch (java.io.IOException | RuntimeException e) {
            LOG.warn("cannot write the log of an attempt to {}: {}", logFile, e.toString());
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
        if (body instanceof TaskBody.ConditionCheck check) {
            return "condition " + describe(check.condition());
        }
        if (body instanceof TaskBody.Stream stream) {
            return "stream " + stream.source().format() + " " + stream.source().path() + ": " + stream.sql() + " -> "
                    + stream.sink().format() + " " + stream.sink().path();
        }
        if (body instanceof TaskBody.Python python) {
            return "python " + python.describe() + " " + python.args();
        }
        if (body instanceof TaskBody.ForEach forEach) {
            return "for_each " + forEach.items().orElseGet(() -> TaskValues.text(forEach.literal())) + " (concurrency "
                    + forEach.concurrency() + "): "
                    + (forEach.several()
                            ? "tasks " + forEach.tasks().stream().map(Task::id).toList()
                            : describe(forEach.task().body()));
        }
        if (body instanceof TaskBody.Notebook notebook) {
            return "notebook " + notebook.path() + " " + notebook.params();
        }
        if (body instanceof TaskBody.RunPipeline child) {
            return "run_pipeline " + child.pipeline() + " " + child.params() + (child.waitForEnd() ? "" : " (no wait)");
        }
        TaskBody.Submit submit = (TaskBody.Submit) body;
        return "submit " + submit.jar() + " " + submit.mainClass() + " " + submit.args();
    }

    private static String describe(io.kindling.dsl.Condition condition) {
        if (condition instanceof io.kindling.dsl.Condition.Comparison c) {
            return "'" + c.left() + "' " + c.op() + " '" + c.right() + "'";
        }
        boolean all = condition instanceof io.kindling.dsl.Condition.All;
        List<io.kindling.dsl.Condition> parts = all
                ? ((io.kindling.dsl.Condition.All) condition).conditions()
                : ((io.kindling.dsl.Condition.Any) condition).conditions();
        return (all ? "all(" : "any(")
                + String.join(", ", parts.stream().map(AttemptRunner::describe).toList()) + ")";
    }

    /** Waits for the attempt's end, and times it out {@code timeout} after it started ({@code elapsed} ago). */
    private void follow(ActiveRun run, TaskSlot task, String attemptId, AttemptHandle handle, Duration elapsed) {
        Task def = run.dag.tasks.get(task.index);
        task.handle = handle;
        ExecutorSlots slots = admission.slots(def.executor());
        // a fence cancels what runs here; a run_pipeline's run and a cluster's attempt are followed again instead
        if (!(handle instanceof ChildRuns.Child) && slots != null && !slots.executor.canAttach()) {
            admission.running.started(attemptId, handle);
        }
        handle.result()
                .whenComplete((result, error) -> thread.post(() -> attemptEnded(
                        run,
                        task,
                        attemptId,
                        result != null ? result : AttemptResult.failed("executor error: " + error),
                        handle.sparkApplicationId())));
        def.timeout()
                .ifPresent(timeout ->
                        task.timeout = thread.after(timeout.minus(elapsed), () -> timeOut(task, attemptId, timeout)));
    }

    /** Follows an attempt a previous life of the daemon started on a cluster, by its remote id. */
    void reattach(ActiveRun run, RemoteAttempts.Reattach found) {
        TaskSlot task = found.task();
        AttemptRecord attempt = found.attempt();
        Task def = run.dag.tasks.get(task.index);
        if (def.body() instanceof TaskBody.RunPipeline) {
            refollowChild(run, task, attempt);
            return;
        }
        if (def.body() instanceof TaskBody.ForEach) {
            // its iterations were read back with the run: it goes on with them, never makes them again
            task.attemptId = attempt.attemptId();
            LOG.info("Run {}: for-each {} goes on with its iterations", run.runId(), def.id());
            followForEach(run, task, Path.of(attempt.logPath()));
            return;
        }
        ExecutorSlots slots = admission.slots(attempt.executor());
        admission.retake(slots, task);
        def.pool().map(admission::pool).ifPresent(pool -> admission.retake(pool, task));
        task.attemptId = attempt.attemptId();
        LOG.info(
                "Run {}: following attempt {} again on executor {} ({})",
                run.runId(),
                attempt.attemptId(),
                attempt.executor(),
                found.remoteId());
        AttemptHandle handle;
        try {
            RenderedTask rendered = RenderedTask.of(def, upstreamValues.context(run, def), secrets);
            task.redactor = Redactor.of(rendered.secretValues());
            handle = slots.executor.attach(
                    new AttemptRequest(
                            attempt.attemptId(),
                            run.runId(),
                            run.pipeline.id(),
                            def.id(),
                            attempt.attemptNumber(),
                            rendered.body(),
                            run.run.params(),
                            rendered.sparkConf(),
                            Path.of(attempt.logPath()),
                            task.redactor,
                            libraries.paths(def.libraries()),
                            logs.limit()),
                    found.remoteId(),
                    remote.listener(attempt.attemptId()));
        } catch (RuntimeException e) { // the run must go on: the attempt fails and is retried by its policy
            attemptEnded(
                    run,
                    task,
                    attempt.attemptId(),
                    AttemptResult.failed(
                            "cannot follow " + found.remoteId() + " again after a restart: " + e.getMessage()),
                    Optional.empty());
            return;
        }
        Instant now = thread.now();
        follow(
                run,
                task,
                attempt.attemptId(),
                handle,
                Duration.between(attempt.startedAt().orElse(now), now));
    }

    /** A run_pipeline attempt a previous life left RUNNING: the run it made is followed again, never made twice. */
    private void refollowChild(ActiveRun run, TaskSlot task, AttemptRecord attempt) {
        Task def = run.dag.tasks.get(task.index);
        task.attemptId = attempt.attemptId();
        LOG.info("Run {}: following the run attempt {} made again", run.runId(), attempt.attemptId());
        Instant now = thread.now();
        Duration elapsed = Duration.between(attempt.startedAt().orElse(now), now);
        try {
            RenderedTask rendered = RenderedTask.of(def, upstreamValues.context(run, def), secrets);
            task.redactor = Redactor.of(rendered.secretValues());
            followChild(run, task, attempt.attemptNumber(), (TaskBody.RunPipeline) rendered.body(), elapsed);
        } catch (IllegalArgumentException e) {
            attemptEnded(run, task, attempt.attemptId(), AttemptResult.failed(e.getMessage()), Optional.empty());
        }
    }

    private void timeOut(TaskSlot task, String attemptId, Duration timeout) {
        if (attemptId.equals(task.attemptId) && task.state() == TaskState.RUNNING) {
            task.timedOut = true;
            task.handle.cancel("timed out after " + timeout);
        }
    }

    private void attemptEnded(
            ActiveRun run, TaskSlot task, String attemptId, AttemptResult ended, Optional<String> sparkAppId) {
        if (!attemptId.equals(task.attemptId) || task.state() != TaskState.RUNNING) {
            return; // a late answer for an attempt already resolved
        }
        if (run.abandoned || admission.fenced()) {
            // fenced: the run is dropped and taken up again from the database (the attempt fails there, and is
            // retried by its policy), whoever takes it up
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
        Instant now = thread.now();
        AttemptResult result = withinLimit(ended);
        Optional<String> values = result.outcome() == AttemptResult.Outcome.SUCCEEDED
                        && !result.values().isEmpty()
                ? Optional.of(TaskValuesJson.encode(result.values()))
                : Optional.empty();
        boolean condition = def.body() instanceof TaskBody.ConditionCheck;
        Optional<Boolean> outcome = condition && result.outcome() == AttemptResult.Outcome.SUCCEEDED
                ? Optional.of(Boolean.TRUE.equals(result.values().get(TaskBody.ConditionCheck.OUTCOME)))
                : Optional.empty();
        TaskState attemptState = switch (result.outcome()) {
            case SUCCEEDED -> TaskState.SUCCEEDED;
            case FAILED -> TaskState.FAILED;
            case CANCELLED -> task.timedOut ? TaskState.TIMED_OUT : TaskState.CANCELLED;
        };
        // Masked before it is stored, logged or put in an alert: whatever the executor did, no secret leaves here.
        Optional<String> error = attemptState == TaskState.TIMED_OUT
                ? Optional.of("timed out after "
                        + def.timeout().map(Duration::toString).orElse("?"))
                : result.error().map(task.redactor::mask);
        boolean retry = !run.cancelling
                && !condition
                && !(def.body() instanceof TaskBody.ForEach) // its iterations are retried, each by the policy
                && (attemptState == TaskState.FAILED || attemptState == TaskState.TIMED_OUT)
                && def.retry().allowsRetryAfter(task.attempts - task.attemptBase);
        TaskState next = retry ? TaskState.UP_FOR_RETRY : attemptState;
        Duration delay = retry ? def.retry().delayAfter(task.attempts) : Duration.ZERO;
        boolean failed = attemptState == TaskState.FAILED || attemptState == TaskState.TIMED_OUT;
        try {
            task.moveTo(
                    next,
                    () -> dao.finishAttempt(
                            attemptId,
                            run.runId(),
                            def.id(),
                            attemptState,
                            next,
                            now,
                            error,
                            retry ? Optional.of(now.plus(delay)) : Optional.empty(),
                            sparkAppId,
                            result.sparkMetrics(),
                            values,
                            outcome,
                            failed
                                    ? alerts.attemptFailed(
                                            run.pipeline,
                                            run.runId(),
                                            def.id(),
                                            task.attempts,
                                            attemptState,
                                            retry,
                                            error,
                                            now)
                                    : attemptState == TaskState.SUCCEEDED
                                            ? alerts.attemptSucceeded(
                                                    run.pipeline,
                                                    run.runId(),
                                                    def,
                                                    task.attempts,
                                                    result.sparkMetrics(),
                                                    now)
                                            : List.of()));
        } catch (RunFencedException e) {
            freeSlot(run, task);
            throw e;
        }
        LOG.info(
                "Task {} attempt {} of run {} ended {}{}{}",
                def.id(),
                task.attempts,
                run.runId(),
                attemptState,
                error.map(e -> ": " + e).orElse(""),
                retry ? "; retrying in " + delay : "");
        if (attemptState == TaskState.SUCCEEDED) {
            task.values = result.values();
            task.outcome = outcome.orElse(null);
        }
        freeSlot(run, task);
        result.sparkMetrics().ifPresent(metrics -> events.attemptMeasured(run, def.id(), metrics));
        if (retry) {
            events.taskChanged(run, task, error);
            scheduleRetry(run, task, delay);
        } else {
            run.unfinished--;
            events.taskChanged(run, task, error);
            progress.settled(run, task);
        }
        progress.finishIfDone(run);
    }

    /** A result whose values are over the limit (an executor that did not check) is a failed one: the limit holds. */
    private static AttemptResult withinLimit(AttemptResult result) {
        if (result.outcome() != AttemptResult.Outcome.SUCCEEDED
                || result.values().isEmpty()) {
            return result;
        }
        try {
            TaskValuesJson.encode(result.values());
            return result;
        } catch (IllegalArgumentException e) {
            return AttemptResult.failed(e.getMessage()).withSparkMetrics(result.sparkMetrics());
        }
    }

    /** The task goes QUEUED again {@code delay} from now, and is ready, unless its run was cancelled or dropped. */
    void scheduleRetry(ActiveRun run, TaskSlot task, Duration delay) {
        thread.after(delay, () -> {
            if (task.state() != TaskState.UP_FOR_RETRY || run.cancelling || run.abandoned) {
                return;
            }
            String taskId = run.dag.tasks.get(task.index).id();
            task.moveTo(
                    TaskState.QUEUED,
                    () -> dao.updateTaskStates(
                            run.runId(), List.of(taskId), TaskState.QUEUED, Optional.empty(), Optional.empty()));
            events.taskChanged(run, task, Optional.empty());
            ready(run, task);
        });
    }

    /**
     * Gives back the slots a dropped run's tasks hold with no attempt to end them: a step that failed to write between
     * taking the slot and starting the attempt, or between the attempt's end and giving the slot back.
     */
    void releaseStranded(ActiveRun run) {
        for (TaskSlot task : run.tasks) {
            if ((task.holdsSlot || task.holdsPlace) && task.handle == null) {
                freeSlot(run, task);
            }
        }
    }

    /**
     * Gives back the slot the task's attempt held, to the next task waiting for one, then its pool's place, to the
     * next task waiting for one (which goes on to its executor slot).
     */
    private void freeSlot(ActiveRun run, TaskSlot task) {
        Task def = run.dag.tasks.get(task.index);
        if (task.holdsSlot) {
            task.holdsSlot = false;
            ExecutorSlots slots = admission.slots(def.executor());
            slots.fullElsewhere = false; // an attempt's end frees a place in the history too: worth asking again
            Places.Waiting next = admission.handOver(slots);
            if (next != null) {
                start(next.run(), next.task(), slots);
            }
        }
        if (task.holdsPlace) {
            task.holdsPlace = false;
            PoolPlaces pool = admission.pool(def.pool().orElseThrow());
            pool.fullElsewhere = false;
            Places.Waiting next = admission.handOver(pool);
            if (next != null) {
                startAfterPlace(next);
            }
        }
    }
}
