package io.kindling.scheduler.core;

import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How a run whose tasks have all ended ends, and why. */
record RunOutcome(RunState state, Optional<String> error) {
    /**
     * A cancelled run is CANCELLED; otherwise the run SUCCEEDED when each leaf task (one nothing depends on)
     * SUCCEEDED or was SKIPPED, and FAILED otherwise, naming the tasks that failed.
     */
    static RunOutcome of(ActiveRun run) {
        boolean leavesOk = true;
        List<String> failed = new ArrayList<>();
        for (TaskSlot t : run.tasks) {
            if (run.dag.dependents[t.index].length == 0
                    && t.forEach < 0 // an iteration counts through its for-each task
                    && t.state() != TaskState.SUCCEEDED
                    && t.state() != TaskState.SKIPPED) {
                leavesOk = false;
            }
            if (t.state() == TaskState.FAILED || t.state() == TaskState.TIMED_OUT) {
                failed.add(run.dag.tasks.get(t.index).id() + " " + t.state());
            }
        }
        RunState state = run.cancelling ? RunState.CANCELLED : leavesOk ? RunState.SUCCEEDED : RunState.FAILED;
        Optional<String> error = state == RunState.CANCELLED
                ? Optional.of("cancelled")
                : state == RunState.FAILED ? Optional.of("failed tasks: " + failed) : Optional.empty();
        return new RunOutcome(state, error);
    }
}
