package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Secrets;
import io.kindling.executor.Executor;
import io.kindling.scheduler.alerts.AlertPlanner;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.RunFencedException;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.libraries.Libraries;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.ScheduledRun;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
import io.kindling.scheduler.model.TriggerType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives runs through their DAGs. Event-driven: a task that ends wakes exactly its dependents, whose trigger
 * rules decide what happens next; nothing polls. All run state lives on one engine thread, so transitions
 * need no locks; every transition is written to the run history before it is acted on (before an attempt is
 * started, before dependents are woken, before listeners hear of it). This class is the API and owns the runs
 * (start, adopt, fence, drop, stop); the steps live in helpers on the same thread: {@link EngineThread},
 * {@link Admission} (lanes and slots), {@link RunProgress}, {@link AttemptRunner} and {@link Repairs}.
 */
public final class RunEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);
    static final String INTERRUPTED = "interrupted: the daemon shut down while the attempt was running";
    static final String UNWRITTEN =
            "the run history could not be written while the attempt ran (the database was away); the attempt was "
                    + "stopped and the run taken up again from the database";

    private final RunStore dao;
    private final PipelineVersions versions;
    private final RemoteAttempts remote;
    private final AlertPlanner alerts;
    private final EngineThread thread;
    private final RunEvents events = new RunEvents();
    private final Admission admission;
    private final RunProgress progress;
    private final Repairs repairs;
    private final NewRuns newRuns;
    /** Runs dropped because their history could not be written, to take up again: touched on the engine thread. */
    private final Set<String> unwritten = new java.util.LinkedHashSet<>();

    /**
     * @param executors executors by name with their task slots
     * @param versions  finds the definition a run was made with, for runs resumed after a restart
     */
    public RunEngine(
            RunStore dao,
            Map<String, Executor> executors,
            Map<String, Integer> slots,
            PipelineVersions versions,
            Clock clock,
            Path logDir) {
        this(dao, executors, slots, versions, clock, logDir, AlertPlanner.none());
    }

    /** @param alerts the alerts each transition causes, written with the transition */
    public RunEngine(
            RunStore dao,
            Map<String, Executor> executors,
            Map<String, Integer> slots,
            PipelineVersions versions,
            Clock clock,
            Path logDir,
            AlertPlanner alerts) {
        this(dao, executors, slots, versions, clock, logDir, alerts, Secrets.NONE);
    }

    /** @param secrets where each attempt's {@code {{ secrets.NAME }}} values come from */
    public RunEngine(
            RunStore dao,
            Map<String, Executor> executors,
            Map<String, Integer> slots,
            PipelineVersions versions,
            Clock clock,
            Path logDir,
            AlertPlanner alerts,
            Secrets secrets) {
        this(dao, executors, slots, versions, clock, AttemptLogs.in(logDir), alerts, secrets, Libraries.jarsOnly());
    }

    /** @param libraries the jar files of tasks' {@code libraries:} (Maven ones resolved when their file was loaded) */
    public RunEngine(
            RunStore dao,
            Map<String, Executor> executors,
            Map<String, Integer> slots,
            PipelineVersions versions,
            Clock clock,
            AttemptLogs logs,
            AlertPlanner alerts,
            Secrets secrets,
            Libraries libraries) {
        this.dao = dao;
        this.alerts = alerts;
        this.remote = new RemoteAttempts(dao, executors);
        this.versions = versions;
        Consumer<RunFencedException> fenced = e -> abandon(e.runId(), e.getMessage());
        this.thread = new EngineThread(clock, fenced, this::unwritten);
        this.admission = new Admission(executors, slots);
        ChildRuns children = new ChildRuns(dao, versions, this::makeChild, this::cancelChild);
        events.add(children);
        this.progress = new RunProgress(
                dao,
                alerts,
                thread,
                admission,
                events,
                fenced,
                progress -> new AttemptRunner(
                        dao, alerts, thread, admission, events, remote, secrets, libraries, logs, progress, fenced,
                        children));
        this.newRuns = new NewRuns(dao, versions, new RunIds(clock), thread, progress);
        this.repairs = new Repairs(dao, thread, admission, events, progress, this::laneOf);
    }

    private Instant now() {
        return thread.now();
    }

    public void addListener(RunListener listener) {
        events.add(listener);
    }

    /** The configured executors' names. */
    public Set<String> executorNames() {
        return admission.executorNames();
    }

    /** Sets config.yml's pools (name to size), before the engine starts. */
    public void pools(Map<String, Integer> sizes) {
        admission.definePools(sizes);
    }

    public Set<String> poolNames() {
        return admission.poolNames();
    }

    /** The pool's places no task holds on this daemon now (for a gauge, as {@link #freeSlots}). */
    public int freePlaces(String pool) {
        PoolPlaces places = admission.pool(pool);
        return places == null ? 0 : places.free;
    }

    /** The executor's task slots no attempt holds now (for a gauge: read from any thread, no engine step). */
    public int freeSlots(String executor) {
        ExecutorSlots slots = admission.slots(executor);
        return slots == null ? 0 : slots.free;
    }

    /**
     * Resumes the runs a previous life of the daemon left unfinished, and returns once that is done, so that
     * no trigger can interleave with recovery.
     */
    public void start() {
        thread.postAndWait(() ->
                recovery().recover(dao.unfinishedRuns(), RunRecovery.RESTARTED, progress::resume, progress::activate));
    }

    private RunRecovery recovery() {
        return new RunRecovery(dao, versions, this::laneOf, this::now, remote, alerts, this::notRecovered);
    }

    /**
     * A run recovery could not take up: when the database failed, it is taken up again once it answers; when another
     * daemon owns it now, it is that one's; otherwise it stays as the history has it, and if RUNNING, counts in its
     * lane from there.
     */
    private void notRecovered(RunRecord run, RuntimeException e) {
        if (DatabaseFailures.isDatabaseFailure(e)) {
            unwritten(run.runId(), e);
        } else if (run.state() == RunState.RUNNING && !(e instanceof RunFencedException)) {
            admission.untracked(run.runId());
        }
    }

    /**
     * Takes over the runs {@code claim} adopts (on the engine thread) from daemons that stopped or died: attempts that
     * were running there are failed with {@code reason} and retried per their policy; the runs go on from where they
     * stopped.
     */
    public void adopt(Supplier<List<String>> claim, String reason) {
        thread.postAndWait(() -> {
            // claimed on the engine thread: no start counts the lane while adopted runs are the engine's unbeknown
            List<String> runIds = claim.get();
            List<RunRecord> runs = new ArrayList<>();
            for (String runId : runIds) {
                if (!admission.holds(runId)) {
                    dao.findRun(runId).ifPresent(runs::add);
                }
            }
            recovery().recover(runs, reason, progress::resume, progress::activate);
        });
    }

    /**
     * Stops driving every run, writing nothing: this daemon was taken for dead and its runs belong to others now.
     * Running attempts are cancelled; nothing new starts.
     */
    public void fenceAll(String reason) {
        thread.postAndWait(() -> {
            admission.drain();
            admission.runIds().forEach(id -> abandon(id, reason));
        });
    }

    /** What says whether this daemon is fenced (its heartbeat lease ran out): asked before each start. */
    public void fencedBy(BooleanSupplier fenced) {
        admission.fencedBy(fenced);
    }

    /**
     * This daemon's heartbeat lease ran out (called off the engine thread, while the fence says so): attempts running
     * in this JVM or its Spark processes are cancelled at once, whatever the engine thread is waiting for, and every
     * run is dropped without writing; attempts on a cluster go on and are followed again. {@link #resume} takes the
     * runs up again from the database, unless another daemon has adopted them by then.
     */
    public void suspend(String reason) {
        int cancelled = admission.running.cancelAll(reason);
        LOG.warn("Fenced: {} attempts cancelled", cancelled);
        thread.post(() -> admission.runIds().forEach(id -> abandon(id, reason)));
    }

    /**
     * The heartbeat got through again after {@link #suspend}: this daemon's unfinished runs are taken up from the
     * database as after a restart (an attempt that was stopped fails with {@code reason} and is retried by its policy).
     */
    public void resume(String reason) {
        thread.postAndWait(() -> {
            admission.runIds().forEach(id -> abandon(id, reason)); // made while fenced: taken up with the rest
            recovery().recover(dao.unfinishedRuns(), reason, progress::resume, progress::activate);
        });
    }

    /**
     * A step could not write the run's history because the database is away: what the run holds in memory may now be
     * ahead of what is written, so it is dropped as if another daemon owned it (its attempts here are cancelled) and
     * taken up again from the database by {@link #retakeUnwritten} once the database answers. What was written stays;
     * what was not was never acknowledged.
     */
    private void unwritten(String runId, RuntimeException e) {
        LOG.warn(
                "Run {}: the run history could not be written ({}); the run is taken up again from the database once "
                        + "it answers",
                runId,
                e.toString());
        admission.untracked(runId); // before abandon starts the next run of its lane
        abandon(runId, "the run history could not be written: " + e.getMessage());
        unwritten.add(runId);
    }

    /**
     * The database answers again (a heartbeat got through): the runs dropped because a write failed are taken up from
     * it, as after a restart (an attempt that was running fails and is retried by its policy). A run that fails again
     * waits for the next call.
     */
    public void retakeUnwritten() {
        thread.post(() -> {
            for (String runId : List.copyOf(unwritten)) {
                if (!admission.holds(runId)) {
                    Optional<RunRecord> run = dao.findRun(runId);
                    unwritten.remove(runId); // before: a write that fails while taking it up adds it again
                    admission.trackedAgain(runId);
                    if (run.isPresent()) {
                        // named, so that a write failing while it is taken up puts it back in the set
                        EngineMdc.run(run.get().pipelineId(), runId);
                        recovery().recover(List.of(run.get()), UNWRITTEN, progress::resume, progress::activate);
                    }
                }
            }
        });
    }

    /**
     * Drops a run this daemon no longer owns, without writing anything: its running attempts are cancelled (their
     * ends are not recorded; the new owner resolves them), except those on a cluster, which the new owner follows
     * again by their remote id; its waiting tasks never start.
     */
    private void abandon(String runId, String reason) {
        ActiveRun run = admission.drop(runId);
        if (run == null) {
            return;
        }
        LOG.warn("Dropping run {} of {}: {}", runId, run.pipeline.id(), reason);
        run.abandoned = true;
        events.runDropped(run);
        for (TaskSlot task : run.tasks) {
            if (task.handle != null && !admission.reattachable(run, task)) {
                task.handle.cancel(reason);
            }
        }
        progress.releaseStranded(run);
        progress.startNextInLane(run.lane);
    }

    /**
     * Creates a run (QUEUED) and hands it to the engine. A scheduled run for a logical time that already has
     * one is not created again, and empty is returned.
     *
     * @param overrides parameters that replace or add to the pipeline's {@code params}
     */
    public Optional<RunRecord> trigger(
            Pipeline pipeline, TriggerType trigger, Instant logicalTime, Map<String, String> overrides) {
        return newRuns.trigger(pipeline, trigger, logicalTime, overrides);
    }

    /**
     * As {@link #trigger}, with the pipeline's default params, unless the pipeline has a run under {@code key}
     * already (in the history, whichever daemon made it): an event makes one run however often it is seen.
     */
    public Optional<RunRecord> triggerOnce(Pipeline pipeline, TriggerType trigger, Instant logicalTime, String key) {
        return newRuns.triggerOnce(pipeline, trigger, logicalTime, key);
    }

    /**
     * A run started by new or changed {@code files} (default params, logical time now), recorded with them in one
     * transaction, unless another daemon that read the same {@code state} made it first (then empty).
     */
    public Optional<RunRecord> triggerFiles(Pipeline pipeline, FileTriggerState state, List<TriggerFile> files) {
        return newRuns.triggerFiles(pipeline, state, files);
    }

    /**
     * A run made by an inbound event with these params (checked by the caller), logical time now, recording
     * {@code event} as what fired it. With a {@code key}, the key, the run and its tasks are written in one
     * transaction, so a key that made a run within its retention never makes another, whichever daemon is asked.
     */
    public KeyedRun triggerEvent(
            Pipeline pipeline, Map<String, String> params, String event, Optional<IdempotencyKey> key) {
        return newRuns.triggerRequested(pipeline, TriggerType.EVENT, params, Optional.of(event), key);
    }

    /** A manual run (params checked by the caller), made at most once per Idempotency-Key as an event's is. */
    public KeyedRun triggerManual(Pipeline pipeline, Map<String, String> params, IdempotencyKey key) {
        return newRuns.triggerRequested(pipeline, TriggerType.MANUAL, params, Optional.empty(), Optional.of(key));
    }

    /**
     * What a request with an Idempotency-Key made: {@code created} when this request made the run, empty when its
     * key held the run {@code runId} already.
     */
    public record KeyedRun(String runId, Optional<RunRecord> created) {}

    /**
     * Creates many scheduled runs (QUEUED, the pipelines' default params) in one transaction, then hands them to the
     * engine: what a cron fire of many pipelines does. A logical time that has a scheduled run already gets no
     * other (the database's unique key decides, as for {@link #trigger}).
     *
     * @return the runs created
     */
    public List<RunRecord> triggerScheduled(List<ScheduledRun> due) {
        return newRuns.triggerScheduled(due, Optional.empty());
    }

    /**
     * {@link #triggerScheduled(List)} ahead of the runs' time: they are written now and committed no earlier than
     * {@code publishAt} (wall-clock), when present.
     */
    public List<RunRecord> triggerScheduled(List<ScheduledRun> due, Optional<Instant> publishAt) {
        return newRuns.triggerScheduled(due, publishAt);
    }

    /**
     * Creates a backfill and its runs (QUEUED, trigger BACKFILL, the pipeline's default params), one per logical
     * time, oldest first. They run in the backfill's own lane: at most its max_active_runs at once, and their
     * tasks take an executor slot only when no scheduled or manual task is waiting for it.
     */
    public String backfill(
            Pipeline pipeline, BackfillRecord backfill, List<Instant> logicalTimes, Optional<IdempotencyKey> key) {
        return newRuns.backfill(pipeline, backfill, logicalTimes, key);
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
        return thread.call(() -> repairs.repair(runId, definition, version));
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
     * are CANCELLED, and the run ends CANCELLED once its attempts have stopped. A run that has ended is left as it
     * is: cancel is idempotent.
     *
     * @return false when this engine is not driving the run (it has ended, or another daemon owns it)
     */
    public boolean cancel(String runId) {
        return thread.call(() -> {
            try {
                ActiveRun run = admission.active(runId);
                if (run != null) {
                    progress.cancel(run);
                    return true;
                }
                ActiveRun queued = admission.drop(runId);
                if (queued != null) {
                    progress.cancelWaiting(queued);
                    return true;
                }
                return false;
            } catch (RunFencedException e) { // adopted by another daemon meanwhile: it is that one's to cancel
                abandon(runId, e.getMessage());
                return false;
            }
        });
    }

    private RunRecord makeChild(
            Pipeline pipeline, Instant logicalTime, Map<String, String> params, String key, RunLink parent) {
        return newRuns.triggerChild(pipeline, logicalTime, params, key, parent);
    }

    /** {@link #cancel} on the engine thread, for a run a run_pipeline attempt made: its owner is asked if not this. */
    private void cancelChild(String runId) {
        try {
            ActiveRun run = admission.active(runId);
            if (run != null) {
                progress.cancel(run);
                return;
            }
            ActiveRun queued = admission.drop(runId);
            if (queued != null) {
                progress.cancelWaiting(queued);
                return;
            }
        } catch (RunFencedException e) {
            abandon(runId, e.getMessage());
        }
        dao.requestCancel(runId, now());
    }

    /** {@link #cancel}, or when another daemon drives the run, asks it to through the run history. */
    public void cancelAnywhere(String runId) {
        if (!cancel(runId)) {
            dao.requestCancel(runId, now());
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
        CompletableFuture<Void> idle = thread.call(admission::drained);
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
        for (ActiveRun run : admission.activeRuns()) {
            for (TaskSlot task : run.tasks) {
                if (task.state() == TaskState.RUNNING && task.attemptId != null && !admission.reattachable(run, task)) {
                    try {
                        dao.interruptAttempt(
                                task.attemptId,
                                run.runId(),
                                run.dag.tasks.get(task.index).id(),
                                now,
                                INTERRUPTED);
                    } catch (RunFencedException e) {
                        LOG.warn("{}", e.getMessage());
                    }
                }
            }
            abandon(run.runId(), INTERRUPTED);
        }
        int released = dao.releaseUnfinished();
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
