package io.kindling.scheduler.core;

import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.TriggerRule;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.TaskValuesJson;
import io.kindling.scheduler.core.ActiveRun.TaskSlot;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * For-each tasks, on the engine thread. When a for-each's attempt starts, its items are evaluated once and its
 * iterations written as task runs of their own ({@code <id>[<index>]}, QUEUED, with their items), in one transaction;
 * a resumed or repaired run reads them back instead. Iterations then run like any task (executor slot, attempts,
 * retries by the nested task's policy, timeout), at most {@code concurrency} at once; the for-each's attempt ends when
 * every iteration has: SUCCEEDED if all did, CANCELLED if the run was cancelled, FAILED otherwise.
 */
final class ForEachRuns {
    private final RunStore dao;
    /** Lets an iteration run: {@link AttemptRunner#ready}. */
    private final BiConsumer<ActiveRun, TaskSlot> ready;

    ForEachRuns(RunStore dao, BiConsumer<ActiveRun, TaskSlot> ready) {
        this.dao = dao;
        this.ready = ready;
    }

    /** How a for-each's running attempt ends: when its iterations have. Cancel does nothing: a run's cancel reaches them. */
    static final class Group implements AttemptHandle {
        private final CompletableFuture<AttemptResult> result = new CompletableFuture<>();

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
     * start as its concurrency allows.
     *
     * @param context the run's template context for the for-each task (with the values it reads)
     * @throws IllegalArgumentException when its items do not evaluate to a list within the limit
     */
    Group start(ActiveRun run, TaskSlot forEach, io.kindling.dsl.TemplateContext context) {
        Task def = run.dag.tasks.get(forEach.index);
        if (forEach.iterations == null) {
            TaskBody.ForEach body = (TaskBody.ForEach) def.body();
            List<Object> items = body.items(context);
            List<String> ids = new ArrayList<>();
            List<String> json = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                ids.add(TaskBody.ForEach.iterationId(def.id(), i));
                json.add(encode(ids.get(i), items.get(i)));
            }
            dao.insertIterations(run.runId(), def.id(), ids, json);
            forEach.iterations = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                // read back as stored, so that this daemon and a later one bind the same values
                run.addIteration(forEach, iteration(def, ids.get(i)), decode(json.get(i)));
            }
        }
        Group group = new Group();
        forEach.group = group;
        fill(run, forEach);
        finishIfDone(run, forEach);
        return group;
    }

    /** An iteration has ended for good: another may start, and the for-each ends once all have. */
    void iterationEnded(ActiveRun run, TaskSlot iteration) {
        TaskSlot forEach = run.tasks[iteration.forEach];
        if (forEach.group == null || forEach.group.result.isDone()) {
            return; // not running (a resumed or repaired run settling what had ended before)
        }
        fill(run, forEach);
        finishIfDone(run, forEach);
    }

    /** Lets QUEUED iterations run, in order, while fewer than the concurrency are running or waiting to. */
    private void fill(ActiveRun run, TaskSlot forEach) {
        if (run.cancelling || run.abandoned) {
            return;
        }
        int concurrency = ((TaskBody.ForEach) run.dag.tasks.get(forEach.index).body()).concurrency();
        int inFlight = 0;
        for (TaskSlot it : forEach.iterations) {
            if (it.state() == TaskState.RUNNING
                    || it.state() == TaskState.UP_FOR_RETRY
                    || (it.state() == TaskState.QUEUED && it.released)) {
                inFlight++;
            }
        }
        for (TaskSlot it : forEach.iterations) {
            if (inFlight >= concurrency || forEach.group == null || forEach.group.result.isDone()) {
                return;
            }
            if (it.state() == TaskState.QUEUED && !it.released) {
                it.released = true;
                inFlight++;
                ready.accept(run, it);
            }
        }
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
            result = AttemptResult.failed(notOk.size() + " of " + n + " iterations did not succeed: "
                    + String.join(", ", notOk.subList(0, Math.min(10, notOk.size())))
                    + (notOk.size() > 10 ? ", ..." : ""));
        }
        forEach.group.result.complete(result);
    }

    /** An iteration's task: the for-each's nested task under its own id, reading what the for-each reads. */
    static Task iteration(Task forEach, String id) {
        Task nested = ((TaskBody.ForEach) forEach.body()).task();
        return new Task(
                id,
                List.of(),
                TriggerRule.ALL_SUCCESS,
                nested.executor(),
                nested.retry(),
                nested.timeout(),
                nested.sparkConf(),
                nested.body(),
                forEach.libraries(),
                Optional.empty(),
                forEach.readsValuesOf());
    }

    /**
     * Adds a run's recorded iterations to it (before their states are restored), in index order under each for-each
     * task the definition still has.
     */
    static void restore(ActiveRun run, List<TaskRunRecord> recorded) {
        List<TaskRunRecord> iterations = new ArrayList<>();
        for (TaskRunRecord tr : recorded) {
            if (tr.forEachTask().isPresent()) {
                iterations.add(tr);
            }
        }
        iterations.sort(
                Comparator.comparing((TaskRunRecord tr) -> tr.forEachTask().get())
                        .thenComparingInt(tr -> index(tr.taskId())));
        for (TaskRunRecord tr : iterations) {
            Integer parent = run.dag.index.get(tr.forEachTask().get());
            if (parent == null
                    || !(run.dag.tasks.get(parent).body() instanceof TaskBody.ForEach)
                    || run.dag.index.containsKey(tr.taskId())) {
                continue; // the definition no longer has that for-each: left as recorded
            }
            Task def = run.dag.tasks.get(parent);
            run.addIteration(
                    run.tasks[parent],
                    iteration(def, tr.taskId()),
                    decode(tr.item().orElse("{}")));
        }
    }

    private static int index(String iterationId) {
        int open = iterationId.lastIndexOf('[');
        try {
            return Integer.parseInt(iterationId.substring(open + 1, iterationId.length() - 1));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
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
