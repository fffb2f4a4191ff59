package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;
import io.kindling.scheduler.core.RunEngine.RepairRefused;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs a finished run in place, on the engine thread: {@link RepairPlan} says which tasks run again, the history
 * reopens the run with them QUEUED, and the run is driven again like a new one (it waits its turn in its lane).
 */
final class Repairs {
    /** The engine's lines keep one logger, RunEngine's: log settings and {@code kindling run} select it by name. */
    private static final Logger LOG = LoggerFactory.getLogger(RunEngine.class);

    private final RunStore dao;
    private final EngineThread thread;
    private final Admission admission;
    private final RunEvents events;
    private final RunProgress progress;
    private final BiFunction<RunRecord, Pipeline, Lane> lanes;

    Repairs(
            RunStore dao,
            EngineThread thread,
            Admission admission,
            RunEvents events,
            RunProgress progress,
            BiFunction<RunRecord, Pipeline, Lane> lanes) {
        this.dao = dao;
        this.thread = thread;
        this.admission = admission;
        this.events = events;
        this.progress = progress;
        this.lanes = lanes;
    }

    /** See {@link RunEngine#repair}. */
    RepairRecord repair(String runId, Pipeline definition, String version) {
        if (admission.holds(runId)) {
            throw new RepairRefused("run " + runId + " has not finished; only a finished run can be repaired");
        }
        RunRecord current = dao.findRun(runId).orElseThrow();
        if (!current.state().terminal()) {
            throw new RepairRefused(
                    "run " + runId + " is " + current.state() + "; only a finished run can be repaired");
        }
        Map<String, TaskState> recorded = new HashMap<>();
        List<TaskRunRecord> taskRuns = dao.taskRuns(runId);
        taskRuns.forEach(tr -> recorded.put(tr.taskId(), tr.state()));
        RepairPlan plan = RepairPlan.of(Dag.of(definition), recorded).withIterations(taskRuns);
        if (plan.empty()) {
            throw new RepairRefused("run " + runId + " has nothing to repair: no task failed, timed "
                    + "out, was cancelled or upstream-failed");
        }
        Instant now = thread.now();
        OptionalInt repairNumber =
                dao.repairRun(runId, definition.contentHash(), version, plan.rerun(), plan.newTasks(), now);
        if (repairNumber.isEmpty()) { // another daemon reopened it first
            throw new RepairRefused("run " + runId + " has not finished; only a finished run can be repaired");
        }
        int number = repairNumber.getAsInt();
        LOG.info("Repair {} of run {} ({} version): running {} again", number, runId, version, plan.rerun());
        RunRecord reopened = current.withState(RunState.QUEUED);
        ActiveRun run = ActiveRun.of(reopened, definition, lanes.apply(reopened, definition), dao);
        run.repairNumber = number;
        run.restoreTasks(dao.taskRuns(runId));
        events.runChanged(run, RunState.QUEUED, Optional.empty());
        progress.activate(run);
        return new RepairRecord(runId, number, definition.contentHash(), version, plan.rerun(), now);
    }
}
