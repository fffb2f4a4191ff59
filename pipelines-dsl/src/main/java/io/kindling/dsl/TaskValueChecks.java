package io.kindling.dsl;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks, once every task is read, what tasks say about each other's values: a task reads values only of a task
 * upstream of it (directly or not), a value its SQL task declares, with an identifier id when read in SQL; and
 * {@code run_if} names a condition task it depends on directly.
 */
final class TaskValueChecks {
    private final Problems problems;

    TaskValueChecks(Problems problems) {
        this.problems = problems;
    }

    void check(List<TaskReader.Draft> drafts) {
        Map<String, TaskReader.Draft> byId = new LinkedHashMap<>();
        drafts.forEach(d -> d.id().ifPresent(id -> byId.putIfAbsent(id.value(), d)));
        for (TaskReader.Draft draft : drafts) {
            if (draft.id().isEmpty()) {
                continue;
            }
            String id = draft.id().get().value();
            Set<String> upstream = draft.valueRefs().isEmpty() ? Set.of() : upstream(draft, byId);
            for (TemplateCheck.ValueRef ref : draft.valueRefs()) {
                checkRef(id, ref, upstream, byId);
            }
            draft.runIf().ifPresent(runIf -> checkRunIf(id, draft, runIf, byId));
        }
    }

    private void checkRef(
            String id, TemplateCheck.ValueRef ref, Set<String> upstream, Map<String, TaskReader.Draft> byId) {
        TaskReader.Draft source = byId.get(ref.task());
        if (source == null) {
            problems.at(
                    ref.node(),
                    ref.where() + ": no task '" + ref.task() + "' in this pipeline"
                            + Suggestions.hint(ref.task(), byId.keySet()));
            return;
        }
        if (ref.task().equals(id)) {
            problems.at(ref.node(), ref.where() + ": task '" + id + "' cannot read its own values");
            return;
        }
        if (!upstream.contains(ref.task())) {
            problems.at(
                    ref.node(),
                    ref.where() + ": task '" + ref.task() + "' is not upstream of task '" + id
                            + "': a task reads values only of tasks it depends on, directly or through others (add '"
                            + ref.task() + "' to depends_on)");
            return;
        }
        if (ref.inSql() && !TaskValues.SQL_ID.matcher(ref.task()).matches()) {
            problems.at(
                    ref.node(),
                    ref.where() + ": task '" + ref.task() + "' has its values read in SQL, so its id must be an SQL"
                            + " identifier (a-z, 0-9 and _, not starting with a digit): rename it, e.g. '"
                            + ref.task().replace('-', '_') + "'");
            return;
        }
        if (ref.name().isEmpty()) {
            problems.at(ref.node(), ref.where() + ": name the value, as :tasks." + ref.task() + ".<name>");
            return;
        }
        Optional<TaskBody> body = source.task().map(Task::body);
        if (body.isEmpty()) {
            return; // its own problems are reported
        }
        if (body.get() instanceof TaskBody.Sql sql) {
            if (sql.values().isEmpty()) {
                problems.at(
                        ref.node(), ref.where() + ": task '" + ref.task() + "' publishes no values (give it values:)");
            } else if (!sql.values().lastRow() && !sql.values().named().containsKey(ref.name())) {
                problems.at(
                        ref.node(),
                        ref.where() + ": task '" + ref.task() + "' declares no value '" + ref.name()
                                + "' (its values: "
                                + String.join(
                                        ", ", new TreeSet<>(sql.values().named().keySet()))
                                + ")"
                                + Suggestions.hint(
                                        ref.name(), sql.values().named().keySet()));
            }
        } else if (body.get() instanceof TaskBody.ConditionCheck) {
            if (!ref.name().equals(TaskBody.ConditionCheck.OUTCOME)) {
                problems.at(
                        ref.node(), ref.where() + ": condition task '" + ref.task() + "' publishes one value, outcome");
            }
        } else if (body.get() instanceof TaskBody.ForEach) {
            problems.at(
                    ref.node(),
                    ref.where() + ": task '" + ref.task() + "' is a for_each task, which publishes no values (its"
                            + " iterations' values are theirs)");
        } else if (body.get() instanceof TaskBody.Stream || body.get() instanceof TaskBody.Submit) {
            problems.at(
                    ref.node(),
                    ref.where() + ": task '" + ref.task() + "' is a "
                            + (body.get() instanceof TaskBody.Stream ? "stream" : "submit")
                            + " task, which publishes no values (sql, class, python, notebook and condition tasks do)");
        }
    }

    private void checkRunIf(
            String id, TaskReader.Draft draft, TaskReader.RunIfDraft runIf, Map<String, TaskReader.Draft> byId) {
        String on = runIf.task().value();
        boolean direct = draft.dependsOn().stream().anyMatch(d -> d.value().equals(on));
        TaskReader.Draft source = byId.get(on);
        if (source == null) {
            problems.at(
                    runIf.task().node(),
                    "run_if: no task '" + on + "' in this pipeline" + Suggestions.hint(on, byId.keySet()));
        } else if (!direct) {
            problems.at(
                    runIf.task().node(),
                    "run_if: task '" + on + "' is not a direct upstream of task '" + id + "' (add it to depends_on)");
        } else if (source.task().isPresent() && !(source.task().get().body() instanceof TaskBody.ConditionCheck)) {
            problems.at(
                    runIf.task().node(),
                    "run_if: task '" + on + "' is not a condition task (run_if names a task with condition:)");
        }
    }

    /** Every task {@code draft} depends on, directly or through others (cycles are reported elsewhere). */
    private static Set<String> upstream(TaskReader.Draft draft, Map<String, TaskReader.Draft> byId) {
        Set<String> seen = new HashSet<>();
        Deque<TaskReader.Draft> todo = new ArrayDeque<>(List.of(draft));
        while (!todo.isEmpty()) {
            for (YamlMap.Scalar dep : todo.poll().dependsOn()) {
                TaskReader.Draft up = byId.get(dep.value());
                if (up != null && seen.add(dep.value())) {
                    todo.add(up);
                }
            }
        }
        return seen;
    }
}
