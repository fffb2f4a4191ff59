package io.kindling.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code for_each: {items, concurrency, task}}: the list (written out, or one placeholder naming a task value
 * or a param) and the one task each item runs, whose settings default to the for-each task's own.
 */
final class ForEachReader {
    private static final Set<String> KEYS = Set.of("items", "concurrency", "task", "tasks");
    /** What a task of a for_each's {@code tasks:} may hold besides a {@code task:}'s keys. */
    private static final Set<String> GRAPH_KEYS = Set.of("id", "depends_on", "trigger_rule");
    /** What the task of a for_each may hold: a body an executor runs, its data and its settings. */
    static final List<String> NESTED_BODIES = List.of("sql", "sql_file", "class", "submit", "python");

    private static final Set<String> TASK_KEYS = Stream.of(
                    NESTED_BODIES, List.of("inputs", "output", "values", "args", "description"), TaskSettings.KEYS)
            .flatMap(java.util.Collection::stream)
            .collect(Collectors.toUnmodifiableSet());
    /**
     * The longest id of a for_each task: its iterations' ids {@code <id>[<index>]} must fit the run history's 64
     * characters with any index the iteration limit allows.
     */
    static final int MAX_ID = 56;

    private final TaskBodyReader bodies;
    private final ParserOptions options;
    private final TemplateCheck templates;
    private final Problems problems;

    ForEachReader(TaskBodyReader bodies, ParserOptions options, TemplateCheck templates, Problems problems) {
        this.bodies = bodies;
        this.options = options;
        this.templates = templates;
        this.problems = problems;
    }

    /**
     * @param id        the for-each task's id, given to the nested task (the engine names each iteration from it)
     * @param inherited the for-each task's settings over the pipeline's defaults: the nested task's defaults
     */
    Optional<TaskBody.ForEach> read(YamlMap task, String label, String id, TaskSettings inherited) {
        Optional<YamlMap> map = task.required("for_each")
                .flatMap(node -> YamlMap.of(node, "for_each", "for_each of " + label, KEYS, problems));
        if (map.isEmpty()) {
            return Optional.empty();
        }
        if (id.length() > MAX_ID) {
            problems.at(
                    task.keyNode("for_each").orElseThrow(),
                    "for_each: the id of a for_each task may have at most " + MAX_ID + " characters (its iterations"
                            + " are named <id>[<index>]), '" + id + "' has " + id.length());
        }
        Optional<Items> items = map.get().required("items").flatMap(this::items);
        int concurrency = map.get().integer("concurrency", 1).orElse(1);
        if (map.get().has("task") && map.get().has("tasks")) {
            problems.at(
                    map.get().keyNode("tasks").orElseThrow(),
                    "for_each: give task: (one task per item) or tasks: (several), not both");
            return Optional.empty();
        }
        if (map.get().has("tasks")) {
            Optional<List<Task>> body = map.get().list("tasks").flatMap(list -> body(list, label, id, inherited));
            if (items.isEmpty() || body.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new TaskBody.ForEach(
                    items.get().template(),
                    items.get().literal(),
                    concurrency,
                    body.get(),
                    true,
                    options.maxIterations()));
        }
        if (!map.get().has("task")) {
            problems.at(map.get().start(), "for_each: give what each item runs, task: {...} or tasks: [...]");
            return Optional.empty();
        }
        String where = "task of the for_each of " + label;
        Optional<Task> one = map.get()
                .required("task")
                .flatMap(node -> YamlMap.of(node, "for_each.task", where, TASK_KEYS, problems)
                        .flatMap(nested -> task(nested, node, where, id, false, List.of(), inherited)));
        if (items.isEmpty() || one.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TaskBody.ForEach(
                items.get().template(), items.get().literal(), concurrency, one.get(), options.maxIterations()));
    }

    /**
     * {@code tasks:}, a small DAG run once per item: each with an id unique in the body, and {@code depends_on} and
     * {@code trigger_rule} among them (no cycle).
     */
    private Optional<List<Task>> body(SequenceNode list, String label, String forEachId, TaskSettings inherited) {
        if (list.getValue().isEmpty()) {
            problems.at(list, "for_each.tasks: must list at least one task");
            return Optional.empty();
        }
        List<Task> tasks = new ArrayList<>();
        Map<String, Node> ids = new LinkedHashMap<>();
        Map<String, List<YamlMap.Scalar>> deps = new LinkedHashMap<>();
        boolean ok = true;
        int number = 0;
        for (Node node : list.getValue()) {
            number++;
            Optional<YamlMap> map = YamlMap.of(
                    node, "for_each.tasks", "task #" + number + " of the for_each of " + label, allKeys(), problems);
            Optional<YamlMap.Scalar> id = map.flatMap(m -> m.requiredScalar("id"));
            if (id.isEmpty()) {
                ok = false;
                continue;
            }
            String sub = id.get().value();
            if (!TaskReader.ID.matcher(sub).matches()) {
                problems.at(id.get().node(), "invalid task id '" + sub + "': " + TaskReader.ID_RULE);
                ok = false;
            } else if (ids.containsKey(sub)) {
                problems.at(id.get().node(), "for_each.tasks: duplicate task id '" + sub + "'");
                ok = false;
            } else if (forEachId.length() + MAX_INDEX + 1 + sub.length() > 64) {
                problems.at(
                        id.get().node(),
                        "for_each.tasks: '" + forEachId + "[<index>]." + sub + "' may be too long for an iteration's"
                                + " task id (at most 64 characters): shorten '" + sub + "' or the for_each's id");
                ok = false;
            }
            ids.putIfAbsent(sub, id.get().node());
            deps.putIfAbsent(sub, map.get().scalars("depends_on").orElse(List.of()));
            List<String> dependsOn = List.copyOf(new java.util.LinkedHashSet<>(
                    deps.get(sub).stream().map(YamlMap.Scalar::value).toList()));
            Optional<Task> task = task(
                    map.get(), node, "task '" + sub + "' of the for_each of " + label, sub, true, dependsOn, inherited);
            if (task.isEmpty()) {
                ok = false;
                continue;
            }
            tasks.add(task.get());
        }
        for (Map.Entry<String, List<YamlMap.Scalar>> e : deps.entrySet()) {
            for (YamlMap.Scalar dep : e.getValue()) {
                if (!ids.containsKey(dep.value())) {
                    problems.at(
                            dep.node(),
                            "depends_on: no task '" + dep.value() + "' in this for_each's tasks (a task of a for_each"
                                    + " depends only on others of its body; the for_each task itself takes depends_on)"
                                    + Suggestions.hint(dep.value(), ids.keySet()));
                    ok = false;
                } else if (dep.value().equals(e.getKey())) {
                    problems.at(dep.node(), "depends_on: task '" + e.getKey() + "' depends on itself");
                    ok = false;
                }
            }
        }
        if (ok) {
            List<String> cycle = cycle(deps);
            if (!cycle.isEmpty()) {
                problems.at(
                        ids.get(cycle.get(0)), "for_each.tasks: the tasks form a cycle: " + String.join(" -> ", cycle));
                ok = false;
            }
        }
        return ok ? Optional.of(tasks) : Optional.empty();
    }

    /** The digits and brackets of the longest index an iteration's id may have. */
    private static final int MAX_INDEX =
            String.valueOf(ParserOptions.MOST_ITERATIONS).length() + 2;

    private static Set<String> allKeys() {
        return Stream.of(TASK_KEYS, GRAPH_KEYS).flatMap(Set::stream).collect(Collectors.toUnmodifiableSet());
    }

    /** A cycle among the body's tasks (first task again at its end), or nothing. */
    private static List<String> cycle(Map<String, List<YamlMap.Scalar>> deps) {
        Map<String, Integer> state = new LinkedHashMap<>();
        for (String start : deps.keySet()) {
            List<String> path = new ArrayList<>();
            if (visit(start, deps, state, path)) {
                return path;
            }
        }
        return List.of();
    }

    private static boolean visit(
            String id, Map<String, List<YamlMap.Scalar>> deps, Map<String, Integer> state, List<String> path) {
        Integer seen = state.get(id);
        if (seen != null && seen == 2) {
            return false;
        }
        if (seen != null) { // on the path: a cycle from where it was first seen
            path.subList(0, path.indexOf(id)).clear();
            path.add(id);
            return true;
        }
        state.put(id, 1);
        path.add(id);
        for (YamlMap.Scalar dep : deps.getOrDefault(id, List.of())) {
            if (visit(dep.value(), deps, state, path)) {
                return true;
            }
        }
        path.remove(path.size() - 1);
        state.put(id, 2);
        return false;
    }

    private record Items(Optional<String> template, List<Object> literal) {}

    /** A list written out, or one placeholder naming a task value or a param. */
    private Optional<Items> items(Node node) {
        if (node instanceof SequenceNode list) {
            List<Object> literal = new ArrayList<>();
            for (Node item : list.getValue()) {
                literal.add(YamlMap.plain(item, (text, at) -> {}));
            }
            if (literal.size() > options.maxIterations()) {
                problems.at(
                        node,
                        "for_each.items: lists " + literal.size() + " items, more than the " + options.maxIterations()
                                + " iterations a for_each may have (forEachMaxIterations in config.yml)");
                return Optional.empty();
            }
            return Optional.of(new Items(Optional.empty(), literal));
        }
        String expected = "expected a list, \"{{ tasks.<id>.values.<name> }}\" or \"{{ params.<name> }}\"";
        if (!(node instanceof ScalarNode scalar) || YamlMap.isNull(node)) {
            problems.at(node, "for_each.items: " + expected + ", got " + YamlMap.describe(node));
            return Optional.empty();
        }
        Matcher m = Templates.PLACEHOLDER.matcher(scalar.getValue().strip());
        String name = m.matches() ? m.group(1).strip() : "";
        if (!TaskValues.TEMPLATE.matcher(name).matches() && !name.startsWith(Templates.PARAMS_PREFIX)) {
            problems.at(node, "for_each.items: " + expected + ", got '" + scalar.getValue() + "' (a list is not text)");
            return Optional.empty();
        }
        templates.check(scalar.getValue(), node);
        return Optional.of(new Items(Optional.of(scalar.getValue()), List.of()));
    }

    /**
     * A task an iteration runs: a body an executor runs, with settings over the for-each task's.
     *
     * @param graph     whether it is one of {@code tasks:}, with {@code depends_on} and {@code trigger_rule}
     * @param dependsOn its {@code depends_on} (read by the caller, which checks them against the body)
     */
    private Optional<Task> task(
            YamlMap task,
            Node node,
            String where,
            String id,
            boolean graph,
            List<String> dependsOn,
            TaskSettings inherited) {
        Optional<YamlMap> map = Optional.of(task);
        if (map.get().keys().stream().noneMatch(NESTED_BODIES::contains)) {
            problems.at(
                    node,
                    (graph ? "for_each.tasks" : "for_each.task") + ": give what each iteration runs: one of "
                            + String.join(", ", NESTED_BODIES)
                            + " (a for_each task runs no condition, run_pipeline, stream or for_each)");
            return Optional.empty();
        }
        TaskSettings own = TaskSettings.read(map.get(), options, templates, problems);
        TaskSettings settings = own.over(inherited);
        settings.checkRetryDelay(own, problems);
        templates.itemKnown(true);
        Optional<TaskBodyReader.Body> body;
        try {
            body = bodies.read(map.get(), where);
        } finally {
            templates.itemKnown(false);
        }
        if (body.isEmpty()) {
            return Optional.empty();
        }
        TriggerRule rule = !graph
                ? TriggerRule.ALL_SUCCESS
                : map.get().scalar("trigger_rule").flatMap(this::triggerRule).orElse(TriggerRule.ALL_SUCCESS);
        return Optional.of(new Task(
                id,
                dependsOn,
                rule,
                settings.executor().orElse(options.defaultExecutor()),
                settings.retryPolicy(),
                settings.timeout(),
                settings.sparkConf(),
                body.get().body(),
                List.of(),
                Optional.empty(),
                Set.of(),
                settings.pool(),
                settings.priority().orElse(0)));
    }

    private Optional<TriggerRule> triggerRule(YamlMap.Scalar value) {
        Optional<TriggerRule> rule = TriggerRule.fromYaml(value.value());
        if (rule.isEmpty()) {
            problems.at(value.node(), "trigger_rule: unknown rule '" + value.value() + "'");
        }
        return rule;
    }
}
