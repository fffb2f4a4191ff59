package io.kindling.scheduler.core;

import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a repair runs again: the FAILED, TIMED_OUT, CANCELLED and UPSTREAM_FAILED tasks, tasks the definition has
 * that the run never had, and everything downstream of them. Tasks that succeeded or were skipped keep their state.
 * Pure: it reads the DAG and the recorded states, nothing else.
 *
 * @param rerun    the tasks that run again, in the definition's order
 * @param newTasks the tasks the definition has that the run never had (they are among {@code rerun})
 */
record RepairPlan(List<String> rerun, List<String> newTasks) {
    /** What a repair runs again (with everything downstream). */
    private static final Set<TaskState> REPAIRABLE =
            EnumSet.of(TaskState.FAILED, TaskState.TIMED_OUT, TaskState.CANCELLED, TaskState.UPSTREAM_FAILED);

    RepairPlan {
        rerun = List.copyOf(rerun);
        newTasks = List.copyOf(newTasks);
    }

    /** @param recorded the run's tasks' states by task id, as the history holds them */
    static RepairPlan of(Dag dag, Map<String, TaskState> recorded) {
        boolean[] rerun = new boolean[dag.size()];
        ArrayDeque<Integer> todo = new ArrayDeque<>();
        for (int i = 0; i < dag.size(); i++) {
            TaskState state = recorded.get(dag.tasks.get(i).id());
            if (state == null || REPAIRABLE.contains(state)) {
                todo.add(i);
            }
        }
        while (!todo.isEmpty()) {
            int i = todo.poll();
            if (!rerun[i]) {
                rerun[i] = true;
                for (int d : dag.dependents[i]) {
                    todo.add(d);
                }
            }
        }
        List<String> rerunIds = new ArrayList<>();
        List<String> newTasks = new ArrayList<>();
        for (int i = 0; i < dag.size(); i++) {
            String id = dag.tasks.get(i).id();
            if (rerun[i]) {
                rerunIds.add(id);
            }
            if (!recorded.containsKey(id)) {
                newTasks.add(id);
            }
        }
        return new RepairPlan(rerunIds, newTasks);
    }

    /**
     * The same plan with, for each for-each task it reruns, that task's iterations that failed, timed out, were
     * cancelled or upstream-failed: the others keep their state (and their attempts), and are not run again.
     */
    RepairPlan withIterations(List<TaskRunRecord> recorded) {
        Set<String> forEach = Set.copyOf(rerun);
        List<String> again = new ArrayList<>(rerun);
        for (TaskRunRecord tr : recorded) {
            if (tr.forEachTask().isPresent()
                    && forEach.contains(tr.forEachTask().get())
                    && REPAIRABLE.contains(tr.state())) {
                again.add(tr.taskId());
            }
        }
        return new RepairPlan(again, newTasks);
    }

    /** No task failed, timed out, was cancelled or upstream-failed, and the definition has no new one. */
    boolean empty() {
        return rerun.isEmpty();
    }
}
