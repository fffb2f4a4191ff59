package io.kindling.dsl;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads one entry of {@code tasks:}, applying the pipeline's defaults. */
final class TaskReader {
    static final Pattern ID = Pattern.compile("[a-z0-9_-]{1,64}");
    static final String ID_RULE = "use 1 to 64 characters from a-z, 0-9, _ and -";
    static final Set<String> KEYS = Stream.of(
                    Set.of(
                            "id",
                            "description",
                            "depends_on",
                            "trigger_rule",
                            "inputs",
                            "output",
                            "args",
                            "libraries",
                            "values",
                            "run_if"),
                    TaskSettings.KEYS,
                    Set.copyOf(TaskBodyReader.BODY_KEYS))
            .flatMap(Set::stream)
            .collect(Collectors.toUnmodifiableSet());

    /**
     * What was read of one task: its id and dependencies (as far as readable, for checking the graph) and
     * the task itself when the entry had no problem.
     */
    record Draft(
            Optional<YamlMap.Scalar> id,
            List<YamlMap.Scalar> dependsOn,
            Optional<Task> task,
            Optional<SqlFiles.SqlFile> sqlFile,
            List<TemplateCheck.ValueRef> valueRefs,
            Optional<RunIfDraft> runIf) {}

    /** A {@code run_if:} as written, checked once every task is read. */
    record RunIfDraft(YamlMap.Scalar task, boolean outcome) {}

    private static final Set<String> RUN_IF_KEYS = Set.of("task", "outcome");

    private final ParserOptions options;
    private final TaskSettings defaults;
    private final TaskBodyReader bodies;
    private final LibraryReader libraryReader;
    private final List<Library> pipelineLibraries;
    private final TemplateCheck templates;
    private final Problems problems;

    TaskReader(
            ParserOptions options,
            TaskSettings defaults,
            TaskBodyReader bodies,
            LibraryReader libraryReader,
            List<Library> pipelineLibraries,
            TemplateCheck templates,
            Problems problems) {
        this.options = options;
        this.defaults = defaults;
        this.bodies = bodies;
        this.libraryReader = libraryReader;
        this.pipelineLibraries = pipelineLibraries;
        this.templates = templates;
        this.problems = problems;
    }

    /** @param number the task's 1-based position in the list, naming it while its id is unknown */
    Optional<Draft> read(Node node, int number) {
        String label = peekId(node).map(id -> "task '" + id + "'").orElse("task #" + number);
        Optional<YamlMap> read = YamlMap.of(node, "tasks", label, KEYS, problems);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        YamlMap map = read.get();
        Optional<YamlMap.Scalar> id = map.requiredScalar("id");
        id.filter(i -> !ID.matcher(i.value()).matches())
                .ifPresent(i -> problems.at(i.node(), "invalid task id '" + i.value() + "': " + ID_RULE));
        map.string("description");
        List<YamlMap.Scalar> dependsOn = map.scalars("depends_on").orElse(List.of());
        TriggerRule rule = map.scalar("trigger_rule").flatMap(this::triggerRule).orElse(TriggerRule.ALL_SUCCESS);
        templates.beginTask();
        TaskSettings own = TaskSettings.read(map, options, templates, problems);
        TaskSettings settings = own.over(defaults);
        settings.checkRetryDelay(own, problems);
        Optional<TaskBodyReader.Body> body = bodies.read(
                map,
                label,
                m -> new ForEachReader(bodies, options, templates, problems)
                        .read(m, label, id.map(YamlMap.Scalar::value).orElse(""), settings)
                        .map(TaskBody.class::cast));
        List<TemplateCheck.ValueRef> refs = templates.endTask();
        Optional<RunIfDraft> runIf = map.map("run_if", "run_if of " + label, RUN_IF_KEYS)
                .flatMap(r -> {
                    Optional<YamlMap.Scalar> on = r.requiredScalar("task");
                    if (!r.has("outcome")) {
                        problems.at(r.start(), "run_if: expected outcome: true or outcome: false");
                    }
                    Optional<Boolean> outcome = r.bool("outcome");
                    return on.isPresent() && outcome.isPresent()
                            ? Optional.of(new RunIfDraft(on.get(), outcome.get()))
                            : Optional.empty();
                });
        Set<Library> libraries = new LinkedHashSet<>(pipelineLibraries);
        libraries.addAll(libraryReader.read(map, label));
        Optional<Task> task = Optional.empty();
        String executor = settings.executor().orElse(options.defaultExecutor());
        if (body.isPresent() && body.get().body() instanceof TaskBody.Stream) {
            options.streamExecutors()
                    .filter(local -> !local.contains(executor))
                    .ifPresent(local -> problems.at(
                            map.keyNode("stream").orElseThrow(),
                            "stream: executor '" + executor + "' does not run stream tasks: only executors of type"
                                    + " local do ("
                                    + (local.isEmpty()
                                            ? "config.yml has none"
                                            : String.join(", ", new TreeSet<>(local)))
                                    + ")"));
        }
        boolean forEach = body.isPresent() && body.get().body() instanceof TaskBody.ForEach;
        if (id.isPresent() && body.isPresent()) {
            List<String> deps = List.copyOf(new LinkedHashSet<>(
                    dependsOn.stream().map(YamlMap.Scalar::value).toList()));
            task = Optional.of(new Task(
                    id.get().value(),
                    deps,
                    rule,
                    forEach ? ((TaskBody.ForEach) body.get().body()).task().executor() : executor,
                    // a for-each is not retried itself, and lasts as long as its iterations: they retry and time out
                    forEach ? RetryPolicy.NONE : settings.retryPolicy(),
                    forEach ? Optional.empty() : settings.timeout(),
                    settings.sparkConf(),
                    body.get().body(),
                    List.copyOf(libraries),
                    runIf.map(r -> new RunIf(r.task().value(), r.outcome())),
                    refs.stream().map(TemplateCheck.ValueRef::task).collect(Collectors.toSet()),
                    settings.pool(),
                    settings.priority().orElse(0)));
        }
        return Optional.of(new Draft(id, dependsOn, task, body.flatMap(TaskBodyReader.Body::sqlFile), refs, runIf));
    }

    private Optional<TriggerRule> triggerRule(YamlMap.Scalar value) {
        Optional<TriggerRule> rule = TriggerRule.fromYaml(value.value());
        if (rule.isEmpty()) {
            List<String> names =
                    Stream.of(TriggerRule.values()).map(TriggerRule::yamlName).toList();
            problems.at(
                    value.node(),
                    "trigger_rule: unknown rule '" + value.value() + "' (use " + String.join(", ", names) + ")"
                            + Suggestions.hint(value.value(), names));
        }
        return rule;
    }

    private static Optional<String> peekId(Node node) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key
                        && key.getValue().equals("id")
                        && tuple.getValueNode() instanceof ScalarNode value
                        && !YamlMap.isNull(value)) {
                    return Optional.of(value.getValue());
                }
            }
        }
        return Optional.empty();
    }
}
