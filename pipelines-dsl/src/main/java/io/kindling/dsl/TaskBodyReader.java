package io.kindling.dsl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads what a task runs ({@code sql}, {@code sql_file}, {@code class}, {@code submit}, {@code stream},
 * {@code condition}, {@code python}, {@code notebook}, {@code run_pipeline} or {@code for_each}) and its data.
 */
final class TaskBodyReader {
    static final List<String> BODY_KEYS = List.of(
            "sql",
            "sql_file",
            "class",
            "submit",
            "stream",
            "condition",
            "python",
            "notebook",
            "run_pipeline",
            "for_each");
    private static final String BODIES =
            "sql, sql_file, class, submit, stream, condition, python, notebook, run_pipeline or for_each";
    private static final Set<String> RUN_PIPELINE_KEYS = Set.of("pipeline", "params", "wait");
    private static final Set<String> COMPARISON_KEYS = Set.of("left", "op", "right");
    private static final Set<String> COMBINATION_KEYS = Set.of("all", "any");
    static final Set<String> OUTPUT_MODES = Set.of("overwrite", "append", "error", "errorifexists", "ignore");
    private static final Set<String> INPUT_KEYS = Set.of("format", "path", "options");
    private static final Set<String> OUTPUT_KEYS = Set.of("format", "path", "mode", "options");
    private static final Set<String> SUBMIT_KEYS = Set.of("jar", "main_class", "args");
    private static final Pattern CLASS_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
    private static final Pattern SECRET = Pattern.compile("\\{\\{\\s*secrets\\.");
    private static final Pattern VIEW_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** A task body and, when it came from {@code sql_file}, the file read. */
    record Body(TaskBody body, Optional<SqlFiles.SqlFile> sqlFile) {}

    private final SqlFiles sqlFiles;
    private final TemplateCheck templates;
    private final SecretsInSql secretsInSql;
    private final Problems problems;

    TaskBodyReader(SqlFiles sqlFiles, TemplateCheck templates, Problems problems) {
        this.sqlFiles = sqlFiles;
        this.templates = templates;
        this.secretsInSql = new SecretsInSql(problems);
        this.problems = problems;
    }

    /** Reads a body that is not a for_each (the task of a for_each, whose keys allow none). */
    Optional<Body> read(YamlMap task, String label) {
        return read(task, label, map -> Optional.empty());
    }

    /** @param forEach reads a {@code for_each:} body, which needs the task's id and settings */
    Optional<Body> read(YamlMap task, String label, java.util.function.Function<YamlMap, Optional<TaskBody>> forEach) {
        List<String> given = task.keys().stream().filter(BODY_KEYS::contains).toList();
        if (given.isEmpty()) {
            problems.at(task.start(), label + " has no body: give one of " + BODIES);
        }
        for (String extra : given.subList(Math.min(1, given.size()), given.size())) {
            problems.at(
                    task.keyNode(extra).orElseThrow(),
                    label + " has more than one body: '" + given.get(0) + "' and '" + extra + "' (give exactly one of "
                            + BODIES + ")");
        }
        boolean sql = given.contains("sql") || given.contains("sql_file");
        for (String key : List.of("inputs", "output", "values")) {
            if (!sql && task.has(key)) {
                problems.at(
                        task.keyNode(key).orElseThrow(),
                        key + ": only a task with sql or sql_file may have " + key
                                + (given.isEmpty() ? "" : " (" + label + " uses " + given.get(0) + ")"));
            }
        }
        if (!given.contains("class") && task.has("args")) {
            problems.at(
                    task.keyNode("args").orElseThrow(),
                    "args: only a task with class takes args "
                            + "(a submit or python task lists its args under submit or python)");
        }
        if (given.isEmpty()) {
            return Optional.empty();
        }
        switch (given.get(0)) {
            case "sql":
            case "sql_file":
                return sql(task, label, given.get(0));
            case "class":
                return javaClass(task);
            case "stream":
                return new StreamBodyReader(this, templates, secretsInSql, problems).read(task, label);
            case "condition":
                return task.required("condition")
                        .flatMap(node -> condition(node, "condition"))
                        .map(c -> new Body(new TaskBody.ConditionCheck(c), Optional.empty()));
            case "python":
                return new PythonBodyReader(sqlFiles, templates, problems).read(task, label);
            case "notebook":
                return new NotebookBodyReader(sqlFiles, templates, problems).read(task, label);
            case "run_pipeline":
                return runPipeline(task, label);
            case "for_each":
                return forEach.apply(task).map(body -> new Body(body, Optional.empty()));
            default:
                return submit(task, label);
        }
    }

    private Optional<Body> sql(YamlMap task, String label, String key) {
        Optional<String> text = Optional.empty();
        Optional<SqlFiles.SqlFile> file = Optional.empty();
        Optional<YamlMap.Scalar> value = task.requiredScalar(key);
        if (value.isPresent() && key.equals("sql")) {
            if (value.get().value().isBlank()) {
                problems.at(value.get().node(), "sql: must not be empty");
            } else {
                templates.checkSql(value.get().value(), value.get().node());
                secretsInSql.check(value.get().value(), value.get().node());
                text = Optional.of(value.get().value());
            }
        } else if (value.isPresent()) {
            file = sqlFiles.read(value.get());
            file.ifPresent(f -> templates.checkSqlFile(
                    f.text(), value.get().node(), value.get().value()));
            file.ifPresent(f -> secretsInSql.checkFile(
                    f.text(), value.get().node(), value.get().value()));
            text = file.map(SqlFiles.SqlFile::text);
        }
        Map<String, DataRef> inputs = inputs(task, label);
        Optional<DataRef> output =
                task.map("output", "output of " + label, OUTPUT_KEYS).flatMap(this::output);
        SqlValues values = task.value("values").map(this::values).orElse(SqlValues.NONE);
        Optional<SqlFiles.SqlFile> read = file;
        return text.map(sql -> new Body(
                new TaskBody.Sql(sql, read.map(SqlFiles.SqlFile::path), inputs, output, Map.of(), values, Map.of()),
                read));
    }

    /** {@code values:}: {@code last_row}, or value names to the statement whose first row's first column each is. */
    private SqlValues values(Node node) {
        if (node instanceof ScalarNode scalar && !YamlMap.isNull(node)) {
            if (!scalar.getValue().equals(SqlValues.LAST_ROW)) {
                problems.at(
                        node,
                        "values: expected last_row or a mapping of value names to SQL statements, got "
                                + YamlMap.describe(node));
            }
            return new SqlValues(Map.of(), true);
        }
        Map<String, String> named = new LinkedHashMap<>();
        YamlMap.ofAnyKeys(node, "values", problems)
                .ifPresent(map -> map.scalarValues().forEach((name, statement) -> {
                    if (!TaskValues.NAME.matcher(name).matches()) {
                        problems.at(
                                map.keyNode(name).orElseThrow(),
                                "values: '" + name + "' is not a valid value name (letters, digits and _, not"
                                        + " starting with a digit, at most 64)");
                    } else if (statement.value().isBlank()) {
                        problems.at(statement.node(), "values." + name + ": expected a SQL statement, got nothing");
                    } else {
                        templates.checkSql(statement.value(), statement.node());
                        secretsInSql.check(statement.value(), statement.node());
                        named.put(name, statement.value());
                    }
                }));
        return new SqlValues(named, false);
    }

    /** One condition: {@code {left, op, right}}, or {@code {all: [...]}} / {@code {any: [...]}} of conditions. */
    private Optional<Condition> condition(Node node, String where) {
        if (node instanceof MappingNode mapping
                && mapping.getValue().stream()
                        .anyMatch(t ->
                                t.getKeyNode() instanceof ScalarNode k && COMBINATION_KEYS.contains(k.getValue()))) {
            Optional<YamlMap> map = YamlMap.of(node, where, where, COMBINATION_KEYS, problems);
            if (map.isEmpty()) {
                return Optional.empty();
            }
            if (map.get().has("all") && map.get().has("any")) {
                problems.at(node, where + ": give all: or any:, not both (nest one inside the other)");
                return Optional.empty();
            }
            String key = map.get().has("all") ? "all" : "any";
            Optional<SequenceNode> items = map.get().list(key);
            if (items.isEmpty()) {
                return Optional.empty();
            }
            if (items.get().getValue().isEmpty()) {
                problems.at(items.get(), where + "." + key + ": must list at least one condition");
                return Optional.empty();
            }
            List<Condition> conditions = new ArrayList<>();
            boolean ok = true;
            for (Node item : items.get().getValue()) {
                Optional<Condition> c = condition(item, where + "." + key);
                ok &= c.isPresent();
                c.ifPresent(conditions::add);
            }
            if (!ok) {
                return Optional.empty();
            }
            return Optional.of(key.equals("all") ? new Condition.All(conditions) : new Condition.Any(conditions));
        }
        Optional<YamlMap> map = YamlMap.of(node, where, where, COMPARISON_KEYS, problems);
        if (map.isEmpty()) {
            return Optional.empty();
        }
        if (map.get().keys().isEmpty()) {
            problems.at(node, where + ": expected {left: ..., op: ..., right: ...}, or all: / any: of several");
            return Optional.empty();
        }
        Optional<YamlMap.Scalar> left = map.get().requiredScalar("left");
        Optional<YamlMap.Scalar> op = map.get().requiredScalar("op");
        Optional<YamlMap.Scalar> right = map.get().requiredScalar("right");
        left.ifPresent(l -> templates.check(l.value(), l.node()));
        right.ifPresent(r -> templates.check(r.value(), r.node()));
        op.filter(o -> !Condition.OPS.contains(o.value()))
                .ifPresent(o -> problems.at(
                        o.node(), where + ".op: unknown operator '" + o.value() + "' (use ==, !=, <, <=, > or >=)"));
        if (left.isEmpty()
                || right.isEmpty()
                || op.isEmpty()
                || !Condition.OPS.contains(op.get().value())) {
            return Optional.empty();
        }
        return Optional.of(new Condition.Comparison(
                left.get().value(), op.get().value(), right.get().value()));
    }

    private Map<String, DataRef> inputs(YamlMap task, String label) {
        Map<String, DataRef> inputs = new LinkedHashMap<>();
        Optional<YamlMap> map = task.value("inputs").flatMap(node -> YamlMap.ofAnyKeys(node, "inputs", problems));
        if (map.isEmpty()) {
            return inputs;
        }
        for (Map.Entry<String, NodeTuple> entry : map.get().tuples().entrySet()) {
            String name = entry.getKey();
            if (!VIEW_NAME.matcher(name).matches()) {
                problems.at(
                        entry.getValue().getKeyNode(),
                        "inputs: '" + name + "' is not a valid view name "
                                + "(letters, digits and _, not starting with a digit)");
            }
            YamlMap.of(
                            entry.getValue().getValueNode(),
                            "inputs." + name,
                            "input '" + name + "' of " + label,
                            INPUT_KEYS,
                            problems)
                    .flatMap(input -> dataRef(input, "error"))
                    .ifPresent(ref -> inputs.put(name, ref));
        }
        return inputs;
    }

    private Optional<DataRef> output(YamlMap output) {
        Optional<YamlMap.Scalar> mode = output.scalar("mode");
        if (mode.isPresent() && !OUTPUT_MODES.contains(mode.get().value())) {
            problems.at(
                    mode.get().node(),
                    "mode: unknown output mode '" + mode.get().value()
                            + "' (use overwrite, append, error, errorifexists or ignore)");
            return Optional.empty();
        }
        return dataRef(output, mode.map(YamlMap.Scalar::value).orElse("overwrite"));
    }

    Optional<DataRef> dataRef(YamlMap map, String mode) {
        Optional<YamlMap.Scalar> format = map.requiredScalar("format");
        Optional<YamlMap.Scalar> path = map.requiredScalar("path");
        Map<String, String> options = new LinkedHashMap<>();
        map.scalarMap("options")
                .ifPresent(o -> o.forEach((k, v) -> {
                    templates.check(v.value(), v.node());
                    options.put(k, v.value());
                }));
        path.ifPresent(p -> templates.check(p.value(), p.node()));
        if (format.isEmpty() || path.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new DataRef(format.get().value(), path.get().value(), mode, options));
    }

    private Optional<Body> javaClass(YamlMap task) {
        Optional<YamlMap.Scalar> name = task.requiredScalar("class").filter(n -> isClassName(n, "class"));
        Map<String, String> args = new LinkedHashMap<>();
        task.scalarMap("args")
                .ifPresent(a -> a.forEach((k, v) -> {
                    templates.check(v.value(), v.node());
                    args.put(k, v.value());
                }));
        return name.map(n -> new Body(new TaskBody.JavaClass(n.value(), args), Optional.empty()));
    }

    private Optional<Body> submit(YamlMap task, String label) {
        Optional<YamlMap> submit = task.required("submit")
                .flatMap(node -> YamlMap.of(node, "submit", "submit of " + label, SUBMIT_KEYS, problems));
        if (submit.isEmpty()) {
            return Optional.empty();
        }
        Optional<YamlMap.Scalar> jar = submit.get().requiredScalar("jar");
        jar.ifPresent(j -> templates.check(j.value(), j.node()));
        Optional<YamlMap.Scalar> mainClass =
                submit.get().requiredScalar("main_class").filter(n -> isClassName(n, "main_class"));
        List<YamlMap.Scalar> args = submit.get().scalars("args").orElse(List.of());
        args.forEach(a -> templates.check(a.value(), a.node()));
        if (jar.isEmpty() || mainClass.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Body(
                new TaskBody.Submit(
                        jar.get().value(),
                        mainClass.get().value(),
                        args.stream().map(YamlMap.Scalar::value).toList()),
                Optional.empty()));
    }

    /** {@code run_pipeline: {pipeline, params, wait}}; the pipeline and its params are checked across files. */
    private Optional<Body> runPipeline(YamlMap task, String label) {
        Optional<YamlMap> map = task.required("run_pipeline")
                .flatMap(node ->
                        YamlMap.of(node, "run_pipeline", "run_pipeline of " + label, RUN_PIPELINE_KEYS, problems));
        if (map.isEmpty()) {
            return Optional.empty();
        }
        Optional<YamlMap.Scalar> pipeline = map.get().requiredScalar("pipeline");
        Map<String, String> params = new LinkedHashMap<>();
        map.get()
                .scalarMap("params")
                .ifPresent(given -> given.forEach((name, value) -> {
                    templates.check(value.value(), value.node());
                    if (SECRET.matcher(value.value()).find()) {
                        problems.at(
                                value.node(),
                                "run_pipeline.params." + name + ": a secret cannot be passed as a param (a run's"
                                        + " params are stored in the run history); let the other pipeline read it");
                    }
                    params.put(name, value.value());
                }));
        boolean wait = map.get().bool("wait").orElse(true);
        return pipeline.map(p -> new Body(
                new TaskBody.RunPipeline(
                        p.value(),
                        params,
                        wait,
                        p.node().getStartMark().getLine() + 1,
                        p.node().getStartMark().getColumn() + 1),
                Optional.empty()));
    }

    private boolean isClassName(YamlMap.Scalar name, String key) {
        boolean ok = CLASS_NAME.matcher(name.value()).matches();
        if (!ok) {
            problems.at(
                    name.node(),
                    key + ": '" + name.value() + "' is not a Java class name " + "(like com.example.LoadWarehouse)");
        }
        return ok;
    }
}
