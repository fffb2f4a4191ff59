package io.kindling.scheduler.core;

import io.kindling.dsl.Task;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.TaskValuesJson;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.TaskState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task values and condition outcomes a run's tasks read, on the engine thread. A task that succeeds in this
 * daemon keeps its values on its {@link TaskSlot}; only a run rebuilt from the history (resumed, adopted or
 * repaired) reads them back, once, and only when a task that reads values or a {@code run_if} needs them. Dispatching
 * a task that reads none costs nothing.
 */
final class UpstreamValues {
    private final RunQueries history;

    UpstreamValues(RunQueries history) {
        this.history = history;
    }

    /** The run's template context for {@code def}: with the values of the tasks it reads, when it reads any. */
    TemplateContext context(ActiveRun run, Task def) {
        TemplateContext context = run.templates;
        Integer self = run.dag.index.get(def.id());
        if (self != null && run.tasks[self].item != null) { // a for-each iteration: {{ item }} and :item
            context = context.withItem(run.tasks[self].item.value());
        }
        if (def.readsValuesOf().isEmpty()) {
            return context;
        }
        Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        for (String id : def.readsValuesOf()) {
            Integer index = run.dag.index.get(id);
            if (index == null) {
                continue;
            }
            TaskSlot upstream = run.tasks[index];
            if (upstream.state() == TaskState.SUCCEEDED) {
                known(run, upstream);
                values.put(id, upstream.values);
            }
        }
        return context.withTaskValues(values);
    }

    /** The outcome of a condition task that succeeded; null when its attempt recorded none. */
    Boolean outcome(ActiveRun run, TaskSlot condition) {
        known(run, condition);
        return condition.outcome;
    }

    /** Makes sure a succeeded task's values are on its slot, reading those of the run's succeeded tasks if not. */
    private void known(ActiveRun run, TaskSlot task) {
        if (task.values != null) {
            return;
        }
        List<AttemptRecord> attempts = history.attempts(run.runId());
        for (TaskSlot slot : run.tasks) {
            if (slot.state() != TaskState.SUCCEEDED || slot.values != null) {
                continue;
            }
            String id = run.dag.tasks.get(slot.index).id();
            AttemptRecord last = null;
            for (AttemptRecord a : attempts) { // ordered by attempt number: the last that succeeded counts
                if (a.taskId().equals(id) && a.state() == TaskState.SUCCEEDED) {
                    last = a;
                }
            }
            slot.values = last == null
                    ? Map.of()
                    : last.values().map(TaskValuesJson::decode).orElse(Map.of());
            slot.outcome = last == null ? null : last.outcome().orElse(null);
        }
    }
}
