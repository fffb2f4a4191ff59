package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Task;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.ScheduledRun;
import io.kindling.scheduler.model.TriggerFile;
import io.kindling.scheduler.model.TriggerType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates runs for {@link RunEngine}: each is written QUEUED first (a scheduled time that has its run already gets
 * none), then handed to the engine thread. Called from any thread; touches no run state itself.
 */
final class NewRuns {
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final RunStore dao;
    private final PipelineVersions versions;
    private final RunIds runIds;
    private final EngineThread thread;
    private final RunProgress progress;

    NewRuns(RunStore dao, PipelineVersions versions, RunIds runIds, EngineThread thread, RunProgress progress) {
        this.dao = dao;
        this.versions = versions;
        this.runIds = runIds;
        this.thread = thread;
        this.progress = progress;
    }

    /**
     * Creates a run (QUEUED) and hands it to the engine. A scheduled run for a logical time that already has
     * one is not created again, and empty is returned.
     *
     * @param overrides parameters that replace or add to the pipeline's {@code params}
     */
    Optional<RunRecord> trigger(
            Pipeline pipeline, TriggerType trigger, Instant logicalTime, Map<String, String> overrides) {
        Map<String, String> params = new LinkedHashMap<>(pipeline.defaultParams());
        params.putAll(overrides);
        RunRecord run = queued(pipeline, trigger, logicalTime, params, thread.now(), Optional.empty());
        List<String> taskIds = pipeline.tasks().stream().map(Task::id).toList();
        if (!dao.insertRun(run, taskIds)) {
            LOG.info("Pipeline {}: a run for {} exists already, not starting another", pipeline.id(), logicalTime);
            return Optional.empty();
        }
        thread.post(() -> progress.activate(ActiveRun.of(run, pipeline, Lane.of(pipeline))));
        return Optional.of(run);
    }

    /** A run under {@code key} (default params), unless the pipeline has one under it already. */
    Optional<RunRecord> triggerOnce(Pipeline pipeline, TriggerType trigger, Instant logicalTime, String key) {
        RunRecord run =
                queued(pipeline, trigger, logicalTime, pipeline.defaultParams(), thread.now(), Optional.empty());
        if (!dao.insertKeyedRun(run, pipeline.tasks().stream().map(Task::id).toList(), key)) {
            return Optional.empty();
        }
        thread.post(() -> progress.activate(ActiveRun.of(run, pipeline, Lane.of(pipeline))));
        return Optional.of(run);
    }

    /**
     * A run a {@code run_pipeline} task's attempt asked for (params checked already), linked to it, unless that
     * attempt made one already under {@code key}: then that run, which is not handed to the engine again.
     */
    RunRecord triggerChild(
            Pipeline pipeline, Instant logicalTime, Map<String, String> params, String key, RunLink parent) {
        RunRecord run = queued(pipeline, TriggerType.PIPELINE, logicalTime, params, thread.now(), Optional.empty());
        if (!dao.insertChildRun(run, pipeline.tasks().stream().map(Task::id).toList(), key, parent)) {
            return dao.runByKey(pipeline.id(), key).orElseThrow();
        }
        thread.post(() -> progress.activate(ActiveRun.of(run, pipeline, Lane.of(pipeline))));
        return run;
    }

    /**
     * A run for new or changed files (default params, logical time now), unless a daemon that read the same
     * {@code state} made it first.
     */
    Optional<RunRecord> triggerFiles(Pipeline pipeline, FileTriggerState state, List<TriggerFile> files) {
        RunRecord run = queued(
                pipeline, TriggerType.FILES, thread.now(), pipeline.defaultParams(), thread.now(), Optional.empty());
        if (!dao.insertFilesRun(run, pipeline.tasks().stream().map(Task::id).toList(), state, files)) {
            return Optional.empty();
        }
        thread.post(() -> progress.activate(ActiveRun.of(run, pipeline, Lane.of(pipeline), files)));
        return Optional.of(run);
    }

    /**
     * A run for a request (the params checked already): an inbound event's ({@code event} present) or a manual
     * trigger's, unless its Idempotency-Key holds an earlier run.
     */
    RunEngine.KeyedRun triggerRequested(
            Pipeline pipeline,
            TriggerType trigger,
            Map<String, String> params,
            Optional<String> event,
            Optional<IdempotencyKey> key) {
        RunRecord run = queued(pipeline, trigger, thread.now(), params, thread.now(), Optional.empty());
        String holder =
                dao.insertRunOnce(run, pipeline.tasks().stream().map(Task::id).toList(), event, key);
        if (!holder.equals(run.runId())) {
            LOG.info(
                    "Pipeline {}: key '{}' made run {} already",
                    pipeline.id(),
                    key.orElseThrow().key(),
                    holder);
            return new RunEngine.KeyedRun(holder, Optional.empty());
        }
        thread.post(() -> progress.activate(ActiveRun.of(run, pipeline, Lane.of(pipeline))));
        return new RunEngine.KeyedRun(holder, Optional.of(run));
    }

    /**
     * Creates many scheduled runs (QUEUED, the pipelines' default params) in one transaction, then hands them to the
     * engine: what a cron fire of many pipelines does. A logical time that has a scheduled run already gets no
     * other (the database's unique key decides, as for {@link #trigger}).
     *
     * @param publishAt when called ahead of the runs' time (a fire prepared ahead): the wall-clock time before which
     *     they are not committed, so they appear at their time with the cost of writing them already paid
     * @return the runs created
     */
    List<RunRecord> triggerScheduled(List<ScheduledRun> due, Optional<Instant> publishAt) {
        List<RunRecord> runs = new ArrayList<>(due.size());
        Map<String, Pipeline> pipelines = new HashMap<>();
        Instant now = publishAt.filter(at -> at.isAfter(thread.now())).orElseGet(thread::now);
        for (ScheduledRun s : due) {
            Pipeline pipeline = s.pipeline();
            RunRecord run = queued(
                    pipeline, TriggerType.SCHEDULE, s.logicalTime(), pipeline.defaultParams(), now, Optional.empty());
            runs.add(run);
            pipelines.put(run.runId(), pipeline);
        }
        List<RunRecord> created = dao.insertRuns(
                runs,
                run -> pipelines.get(run.runId()).tasks().stream().map(Task::id).toList(),
                () -> publishAt.ifPresent(NewRuns::holdUntil));
        if (created.size() < runs.size()) {
            LOG.info(
                    "{} of {} scheduled runs exist already, not starting them again",
                    runs.size() - created.size(),
                    runs.size());
        }
        thread.post(() -> created.forEach(run -> {
            Pipeline pipeline = pipelines.get(run.runId());
            progress.activate(ActiveRun.of(run, pipeline, Lane.of(pipeline)));
        }));
        return created;
    }

    /** Holds the calling thread until the wall clock reaches {@code at}. */
    private static void holdUntil(Instant at) {
        long wait;
        while ((wait = at.toEpochMilli() - System.currentTimeMillis()) > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // commit now: the runs are due in less than the wait
                return;
            }
        }
    }

    /**
     * Creates a backfill and its runs (QUEUED, trigger BACKFILL, the pipeline's default params), one per logical
     * time, oldest first. They run in the backfill's own lane: at most its max_active_runs at once, and their
     * tasks take an executor slot only when no scheduled or manual task is waiting for it. With a {@code key}, made
     * at most once per key as a manual run is.
     *
     * @return the backfill holding the key: this one's id when it was made, an earlier one's when not
     */
    String backfill(
            Pipeline pipeline, BackfillRecord backfill, List<Instant> logicalTimes, Optional<IdempotencyKey> key) {
        List<RunRecord> runs = new ArrayList<>(logicalTimes.size());
        for (Instant logicalTime : logicalTimes) {
            runs.add(queued(
                    pipeline,
                    TriggerType.BACKFILL,
                    logicalTime,
                    pipeline.defaultParams(),
                    thread.now(),
                    Optional.of(backfill.backfillId())));
        }
        String holder = dao.insertBackfill(
                backfill, runs, pipeline.tasks().stream().map(Task::id).toList(), key);
        if (!holder.equals(backfill.backfillId())) {
            LOG.info(
                    "Pipeline {}: key '{}' made backfill {} already",
                    pipeline.id(),
                    key.orElseThrow().key(),
                    holder);
            return holder;
        }
        Lane lane = Lane.backfill(backfill.backfillId(), backfill.maxActiveRuns());
        thread.post(() -> runs.forEach(run -> progress.activate(ActiveRun.of(run, pipeline, lane))));
        return holder;
    }

    /** A new run of the pipeline's current definition. */
    private RunRecord queued(
            Pipeline pipeline,
            TriggerType trigger,
            Instant logicalTime,
            Map<String, String> params,
            Instant now,
            Optional<String> backfillId) {
        return RunRecord.queued(
                runIds.next(),
                pipeline.id(),
                pipeline.contentHash(),
                versions.gitCommit(pipeline),
                trigger,
                logicalTime,
                params,
                now,
                backfillId);
    }
}
