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
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads {@code for_each: {items, concurrency, task}}: the list (written out, or one placeholder naming a task value
 * or a param) and the one task each item runs, whose settings default to the for-each task's own.
 */
final class ForEachReader {
    private static final Set<String> KEYS = Set.of("items", "concurrency", "task");
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
        Optional<Task> nested = map.get().required("task").flatMap(node -> task(node, label, id, inherited));
        if (items.isEmpty() || nested.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TaskBody.ForEach(
                items.get().template(), items.get().literal(), concurrency, nested.get(), options.maxIterations()));
    }

    private record Items(Optional<String> template, List<Object> literal) {}

    /** A list written out, or one placeholder naming a task value or a param. */
    private Optional<Items> items(Node node) {
        if (node instanceof SequenceNode list) {
            List<Object> literal = new ArrayList<>();
            for (Node item : list.getValue()) {
                literal.add(plain(item));
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

    /** The task each iteration runs: a body an executor runs, with settings over the for-each task's. */
    private Optional<Task> task(Node node, String label, String id, TaskSettings inherited) {
        String where = "task of the for_each of " + label;
        Optional<YamlMap> map = YamlMap.of(node, "for_each.task", where, TASK_KEYS, problems);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        if (map.get().keys().stream().noneMatch(NESTED_BODIES::contains)) {
            problems.at(
                    node,
                    "for_each.task: give what each iteration runs: one of " + String.join(", ", NESTED_BODIES)
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
        return Optional.of(new Task(
                id,
                List.of(),
                TriggerRule.ALL_SUCCESS,
                settings.executor().orElse(options.defaultExecutor()),
                settings.retryPolicy(),
                settings.timeout(),
                settings.sparkConf(),
                body.get().body(),
                List.of()));
    }

    /** A YAML value as the JSON-like value an iteration's item is: text, a number, a boolean, null, a list, a map. */
    private static Object plain(Node node) {
        if (node instanceof SequenceNode list) {
            List<Object> out = new ArrayList<>();
            list.getValue().forEach(n -> out.add(plain(n)));
            return out;
        }
        if (node instanceof MappingNode mapping) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : mapping.getValue()) {
                out.put(((ScalarNode) t.getKeyNode()).getValue(), plain(t.getValueNode()));
            }
            return out;
        }
        String text = ((ScalarNode) node).getValue();
        Tag tag = node.getTag();
        try {
            if (Tag.NULL.equals(tag)) {
                return null;
            } else if (Tag.BOOL.equals(tag)) {
                return Boolean.parseBoolean(text.toLowerCase(java.util.Locale.ROOT));
            } else if (Tag.INT.equals(tag)) {
                return Long.parseLong(text.replace("_", ""));
            } else if (Tag.FLOAT.equals(tag)) {
                return Double.parseDouble(text.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            return text; // an int form Java does not parse (0x, 0o, sexagesimal): kept as written
        }
        return text;
    }
}
