package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.scheduler.alerts.AlertPlanner;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds runs a daemon left QUEUED or RUNNING: this daemon's previous life (on start) or another daemon that
 * stopped or died (on adoption). An attempt that was running on a cluster its executor can re-attach to (by its
 * recorded remote id) is followed again, and so is a run_pipeline attempt (the run it made, found by its run key); any other attempt that was running is failed with the reason given
 * ("daemon restarted") and its task retried if its policy allows, when its retry delay is due; tasks that had
 * ended keep their state and are not run again. Runs on the engine thread.
 */
final class RunRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RunRecovery.class);
    static final String RESTARTED = "daemon restarted while the attempt was running";
    /**
     * Why a Python attempt is never followed again: its process (and, on spark-standalone, its client-mode driver) ran
     * on the daemon's machine, as the daemon's children.
     */
    static final String PYTHON_LOST = "its Python process and Spark driver ran under the daemon and were lost with it";

    private final RunStore dao;
    private final PipelineVersions versions;
    private final BiFunction<RunRecord, Pipeline, Lane> lanes;
    private final Supplier<Instant> clock;
    private final RemoteAttempts remote;
    private final AlertPlanner alerts;
    private final BiConsumer<RunRecord, RuntimeException> failed;

    RunRecovery(
            RunStore dao,
            PipelineVersions versions,
            BiFunction<RunRecord, Pipeline, Lane> lanes,
            Supplier<Instant> clock,
            RemoteAttempts remote,
            AlertPlanner alerts,
            BiConsumer<RunRecord, RuntimeException> failed) {
        this.alerts = alerts;
        this.failed = failed;
        this.dao = dao;
        this.versions = versions;
        this.lanes = lanes;
        this.clock = clock;
        this.remote = remote;
    }

    /**
     * @param resume   takes a rebuilt RUNNING run and the tasks to retry (each at its {@code retryAt})
     * @param activate takes a run that never started (it goes through max_active_runs like a new one)
     */
    void recover(
            List<RunRecord> runs,
            String reason,
            BiConsumer<ActiveRun, List<TaskSlot>> resume,
            Consumer<ActiveRun> activate) {
        // RUNNING runs first: a QUEUED run's start counts the lane's running runs this daemon drives
        List<RunRecord> ordered = new ArrayList<>(runs);
        ordered.sort(Comparator.comparing(run -> run.state() != RunState.RUNNING));
        for (RunRecord run : ordered) {
            try {
                recover(run, reason, resume, activate);
            } catch (RuntimeException e) {
                LOG.error("Could not resume run {} of {}", run.runId(), run.pipelineId(), e);
                failed.accept(run, e);
            }
        }
    }

    private void recover(
            RunRecord record,
            String reason,
            BiConsumer<ActiveRun, List<TaskSlot>> resume,
            Consumer<ActiveRun> activate) {
        Instant now = clock.get();
        // the run goes on with the definition it was made (or last repaired) with, not whatever is loaded now
        List<RepairRecord> repairs = dao.repairs(record.runId());
        String hash = repairs.isEmpty()
                ? record.contentHash()
                : repairs.get(repairs.size() - 1).contentHash();
        Optional<Pipeline> pipeline = versions.find(record.pipelineId(), hash);
        List<TaskRunRecord> taskRuns = dao.taskRuns(record.runId());
        if (pipeline.isEmpty()) {
            String lost = "the definition of pipeline '" + record.pipelineId() + "' this run uses (version " + hash
                    + ") can no longer be loaded";
            List<String> open = taskRuns.stream()
                    .filter(t -> !t.state().terminal())
                    .map(TaskRunRecord::taskId)
                    .toList();
            // the run_failed alert goes with the run's end, in one transaction, like any other run's
            dao.endRun(
                    record.runId(),
                    RunState.FAILED,
                    open,
                    TaskState.CANCELLED,
                    now,
                    Optional.of(lost),
                    alerts.runLost(
                            record.pipelineId(), versions.current(record.pipelineId()), record.runId(), lost, now));
            LOG.warn("Run {} of {} failed: {}", record.runId(), record.pipelineId(), lost);
            return;
        }
        ActiveRun run = ActiveRun.of(record, pipeline.get(), lanes.apply(record, pipeline.get()), dao);
        run.repairNumber = repairs.size();
        run.restoreTasks(taskRuns);
        if (record.state() == RunState.QUEUED) {
            activate.accept(run);
            return;
        }
        LOG.info("Resuming run {} of {}", record.runId(), record.pipelineId());
        Map<String, AttemptRecord> running = new HashMap<>();
        for (AttemptRecord a : dao.attempts(record.runId())) {
            if (a.state() == TaskState.RUNNING) {
                running.put(a.taskId(), a);
            }
        }
        List<TaskSlot> retries = new ArrayList<>();
        Map<String, String> remoteIds = remote.remoteIds(record.runId());
        for (TaskRunRecord tr : taskRuns) {
            Integer i = run.dag.index.get(tr.taskId());
            if (i == null) {
                continue; // a task the current definition no longer has
            }
            TaskSlot task = run.tasks[i];
            AttemptRecord lost = running.get(tr.taskId());
            if (lost != null
                    && (run.dag.tasks.get(i).body() instanceof TaskBody.RunPipeline
                            || run.dag.tasks.get(i).body() instanceof TaskBody.ForEach)) {
                // a for-each goes on with the iterations it made (read back with the run), never makes them again
                // the run it made goes on (or is recovered too): followed again, by its run key
                run.reattach.add(new RemoteAttempts.Reattach(task, lost, lost.attemptId()));
                continue;
            }
            Optional<String> remoteId = lost == null ? Optional.empty() : remote.followable(lost, remoteIds);
            if (remoteId.isPresent()) { // still running on the cluster: followed again, not failed
                run.reattach.add(new RemoteAttempts.Reattach(task, lost, remoteId.get()));
                continue;
            }
            // A task and its attempt move in one transaction, so a RUNNING task has its RUNNING attempt; the
            // check on the task too keeps a damaged history from leaving it RUNNING for ever.
            boolean interrupted = lost != null || task.state() == TaskState.RUNNING;
            if (interrupted) {
                Task def = run.dag.tasks.get(i);
                String why = def.body() instanceof TaskBody.Python || def.body() instanceof TaskBody.Notebook
                        ? reason + ": " + PYTHON_LOST
                        : reason;
                boolean retry = def.retry().allowsRetryAfter(task.attempts - task.attemptBase);
                TaskState next = retry ? TaskState.UP_FOR_RETRY : TaskState.FAILED;
                // a task with a RUNNING attempt is RUNNING, whatever a damaged history says of the task itself
                task.restore(TaskState.RUNNING);
                task.moveTo(
                        next,
                        () -> dao.finishAttempt(
                                lost != null ? lost.attemptId() : "",
                                record.runId(),
                                def.id(),
                                TaskState.FAILED,
                                next,
                                now,
                                Optional.of(why),
                                retry ? Optional.of(now) : Optional.empty(),
                                Optional.empty(),
                                alerts.attemptFailed(
                                        run.pipeline,
                                        record.runId(),
                                        def.id(),
                                        task.attempts,
                                        TaskState.FAILED,
                                        retry,
                                        Optional.of(why),
                                        now)));
            }
            if (task.state() == TaskState.UP_FOR_RETRY) {
                task.released = true;
                task.retryAt = interrupted ? now : tr.nextAttemptAt().orElse(now);
                retries.add(task);
            }
        }
        run.countUnfinished();
        resume.accept(run, retries);
    }
}
