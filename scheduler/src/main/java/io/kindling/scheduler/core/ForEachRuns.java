package io.kindling.scheduler.core;

import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.TemplateContext;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.TaskValuesJson;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For-each tasks, on the engine thread. When a for-each's attempt starts, its items are evaluated once and its
 * iterations' tasks written as task runs of their own ({@code <id>[<index>]}, or {@code <id>[<index>].<task>} for a
 * body of several tasks; QUEUED, with their item), in one transaction; a resumed or repaired run reads them back
 * instead. An iteration's tasks then run like any task (executor slot, attempts, retries by their policy, timeout,
 * trigger rules among them); at most {@code concurrency} iterations are let go at once. The for-each's attempt ends
 * when every task of every iteration has: SUCCEEDED if all succeeded (or were skipped), CANCELLED if the run was
 * cancelled, FAILED otherwise.
 */
final class ForEachRuns {
    private static final Pattern ITERATION_ID = Pattern.compile("(.*)\\[(\\d+)](?:\\.(.+))?");

    private final RunStore dao;
    /** Lets a task of an iteration go: its trigger rule decides ({@link RunProgress#decideIteration}). */
    private final BiConsumer<ActiveRun, TaskSlot> decide;

    ForEachRuns(RunStore dao, BiConsumer<ActiveRun, TaskSlot> decide) {
        this.dao = dao;
        this.decide = decide;
    }

    /** How a for-each's running attempt ends: when its iterations have. Cancel does nothing: a run's cancel reaches them. */
    static final class Group implements AttemptHandle {
        private final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
        /** The iterations let go (by index): their tasks decide by their trigger rules. */
        private final Set<Integer> letGo = new HashSet<>();
        /** A fill is under way (an iteration that ends at once calls back into it): it goes round again instead. */
        private boolean filling;

        private boolean again;

        @Override
        public CompletionStage<AttemptResult> result() {
            return result;
        }

        @Override
        public void cancel(String reason) {}

        @Override
        public Optional<String> sparkApplicationId() {
            return Optional.empty();
        }
    }

    /**
     * The for-each's attempt, written RUNNING, goes: its iterations are made if the run has none yet, and as many
     * are let go as its concurrency allows.
     *
     * @param context the run's template context for the for-each task (with the values it reads)
     * @throws IllegalArgumentException when its items do not evaluate to a list within the limit
     */
    Group start(ActiveRun run, TaskSlot forEach, TemplateContext context) {
        Task def = run.dag.tasks.get(forEach.index);
        if (forEach.iterations == null) {
            TaskBody.ForEach body = (TaskBody.ForEach) def.body();
            List<Object> items = body.items(context);
            List<String> ids = new ArrayList<>();
            List<String> json = new ArrayList<>();
            List<String> itemJson = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                itemJson.add(encode(TaskBody.ForEach.iterationId(def.id(), i), items.get(i)));
                for (Task task : body.tasks()) {
                    ids.add(body.iterationId(def.id(), i, task));
                    json.add(itemJson.get(i));
                }
            }
            dao.insertIterations(run.runId(), def.id(), ids, json);
            forEach.iterations = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                // read back as stored, so that this daemon and a later one bind the same values
                addIteration(run, forEach, i, decode(itemJson.get(i)), id -> true);
            }
        }
        Group group = new Group();
        forEach.group = group;
        fill(run, forEach);
        finishIfDone(run, forEach);
        return group;
    }

    /** A task of an iteration has ended for good: another iteration may go, and the for-each ends once all have. */
    void iterationEnded(ActiveRun run, TaskSlot task) {
        TaskSlot forEach = run.tasks[task.forEach];
        if (forEach.group == null || forEach.group.result.isDone()) {
            return; // not running (a resumed or repaired run settling what had ended before)
        }
        fill(run, forEach);
        finishIfDone(run, forEach);
    }

    /** Whether a task's for-each runs and has let its iteration go. */
    boolean iterating(ActiveRun run, TaskSlot task) {
        Group group = run.tasks[task.forEach].group;
        return group != null && !group.result.isDone() && group.letGo.contains(task.iteration);
    }

    /**
     * Lets iterations go, in order, while fewer than the concurrency are going (let go, or with a task that has
     * started, and not ended); the tasks of those going that are QUEUED decide by their trigger rules.
     */
    private void fill(ActiveRun run, TaskSlot forEach) {
        Group group = forEach.group;
        if (group.filling) {
            group.again = true;
            return;
        }
        group.filling = true;
        try {
            do {
                group.again = false;
                fillOnce(run, forEach, group);
            } while (group.again);
        } finally {
            group.filling = false;
        }
    }

    private void fillOnce(ActiveRun run, TaskSlot forEach, Group group) {
        if (run.cancelling || run.abandoned || group.result.isDone()) {
            return;
        }
        int concurrency = ((TaskBody.ForEach) run.dag.tasks.get(forEach.index).body()).concurrency();
        Map<Integer, List<TaskSlot>> iterations = new LinkedHashMap<>();
        for (TaskSlot task : forEach.iterations) {
            iterations.computeIfAbsent(task.iteration, i -> new ArrayList<>()).add(task);
        }
        int going = 0;
        for (Map.Entry<Integer, List<TaskSlot>> it : iterations.entrySet()) {
            if (started(it.getValue())) {
                group.letGo.add(it.getKey()); // began before: in a previous life of the daemon, or before a repair
            }
            if (group.letGo.contains(it.getKey()) && !ended(it.getValue())) {
                going++;
            }
        }
        for (Map.Entry<Integer, List<TaskSlot>> it : iterations.entrySet()) {
            if (ended(it.getValue()) || group.result.isDone() || run.cancelling) {
                continue;
            }
            if (!group.letGo.contains(it.getKey())) {
                if (going >= concurrency) {
                    continue;
                }
                group.letGo.add(it.getKey());
                going++;
            }
            for (TaskSlot task : it.getValue()) {
                if (task.state() == TaskState.QUEUED && !task.released) {
                    decide.accept(run, task);
                }
            }
        }
    }

    private static boolean started(List<TaskSlot> iteration) {
        for (TaskSlot task : iteration) {
            if (task.state() != TaskState.QUEUED || task.released) {
                return true;
            }
        }
        return false;
    }

    private static boolean ended(List<TaskSlot> iteration) {
        for (TaskSlot task : iteration) {
            if (!task.state().terminal()) {
                return false;
            }
        }
        return true;
    }

    private static void finishIfDone(ActiveRun run, TaskSlot forEach) {
        List<String> notOk = new ArrayList<>();
        boolean cancelled = false;
        for (TaskSlot it : forEach.iterations) {
            if (!it.state().terminal()) {
                return;
            }
            if (it.state() != TaskState.SUCCEEDED && it.state() != TaskState.SKIPPED) {
                notOk.add(run.dag.tasks.get(it.index).id() + " " + it.state());
                cancelled |= it.state() == TaskState.CANCELLED;
            }
        }
        int n = forEach.iterations.size();
        AttemptResult result;
        if (notOk.isEmpty()) {
            result = AttemptResult.succeeded();
        } else if (cancelled && run.cancelling) {
            result = AttemptResult.cancelled("run cancelled");
        } else {
            TaskBody.ForEach body =
                    (TaskBody.ForEach) run.dag.tasks.get(forEach.index).body();
            result = AttemptResult.failed(notOk.size() + " of " + n
                    + (body.several() ? " iteration tasks" : " iterations")
                    + " did not succeed: " + String.join(", ", notOk.subList(0, Math.min(10, notOk.size())))
                    + (notOk.size() > 10 ? ", ..." : ""));
        }
        forEach.group.result.complete(result);
    }

    /** Adds the tasks of iteration {@code index} whose ids {@code has}, with the edges among them. */
    private static void addIteration(
            ActiveRun run, TaskSlot forEach, int index, Object item, java.util.function.Predicate<String> has) {
        Task def = run.dag.tasks.get(forEach.index);
        TaskBody.ForEach body = (TaskBody.ForEach) def.body();
        Map<String, Integer> added = new HashMap<>();
        for (Task task : body.tasks()) {
            String id = body.iterationId(def.id(), index, task);
            if (!has.test(id) || run.dag.index.containsKey(id)) {
                continue;
            }
            int[] upstream = task.dependsOn().stream()
                    .filter(added::containsKey)
                    .mapToInt(added::get)
                    .toArray();
            TaskSlot slot = run.addIteration(forEach, iteration(def, task, index), item, index, upstream);
            added.put(task.id(), slot.index);
        }
    }

    /** A task of an iteration: the body's task under its iteration's id, reading what the for-each reads. */
    private static Task iteration(Task forEach, Task task, int index) {
        TaskBody.ForEach body = (TaskBody.ForEach) forEach.body();
        List<String> dependsOn = new ArrayList<>();
        for (Task other : body.tasks()) {
            if (task.dependsOn().contains(other.id())) {
                dependsOn.add(body.iterationId(forEach.id(), index, other));
            }
        }
        return new Task(
                body.iterationId(forEach.id(), index, task),
                dependsOn,
                task.triggerRule(),
                task.executor(),
                task.retry(),
                task.timeout(),
                task.sparkConf(),
                task.body(),
                forEach.libraries(),
                Optional.empty(),
                forEach.readsValuesOf(),
                task.pool(),
                task.priority());
    }

    /**
     * Adds a run's recorded iterations to it (before their states are restored), in index order under each for-each
     * task the definition still has.
     */
    static void restore(ActiveRun run, List<TaskRunRecord> recorded) {
        Map<String, TreeMap<Integer, List<TaskRunRecord>>> byForEach = new LinkedHashMap<>();
        for (TaskRunRecord tr : recorded) {
            Matcher m = ITERATION_ID.matcher(tr.taskId());
            if (tr.forEachTask().isPresent() && m.matches()) {
                byForEach
                        .computeIfAbsent(tr.forEachTask().get(), k -> new TreeMap<>())
                        .computeIfAbsent(Integer.parseInt(m.group(2)), k -> new ArrayList<>())
                        .add(tr);
            }
        }
        byForEach.forEach((forEachId, iterations) -> {
            Integer parent = run.dag.index.get(forEachId);
            if (parent == null || !(run.dag.tasks.get(parent).body() instanceof TaskBody.ForEach)) {
                return; // the definition no longer has that for-each: left as recorded
            }
            TaskSlot forEach = run.tasks[parent];
            iterations.forEach((index, rows) -> {
                Set<String> ids = new HashSet<>();
                rows.forEach(r -> ids.add(r.taskId()));
                addIteration(run, forEach, index, decode(rows.get(0).item().orElse("{}")), ids::contains);
            });
        });
    }

    private static String encode(String id, Object item) {
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put(TaskBody.ForEach.ITEM, item);
        try {
            return TaskValuesJson.encode(wrapped);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the item of " + id + " cannot be stored: " + e.getMessage(), e);
        }
    }

    private static Object decode(String json) {
        return TaskValuesJson.decode(json).get(TaskBody.ForEach.ITEM);
    }
}
