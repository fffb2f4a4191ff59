package io.kindling.dsl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads what a task runs ({@code sql}, {@code sql_file}, {@code class}, {@code submit}, {@code stream} or
 * {@code python}) and its data.
 */
final class TaskBodyReader {
    static final List<String> BODY_KEYS = List.of("sql", "sql_file", "class", "submit", "stream", "python");
    static final Set<String> OUTPUT_MODES = Set.of("overwrite", "append", "error", "errorifexists", "ignore");
    private static final Set<String> INPUT_KEYS = Set.of("format", "path", "options");
    private static final Set<String> OUTPUT_KEYS = Set.of("format", "path", "mode", "options");
    private static final Set<String> SUBMIT_KEYS = Set.of("jar", "main_class", "args");
    private static final Pattern CLASS_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)*");
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

    Optional<Body> read(YamlMap task, String label) {
        List<String> given = task.keys().stream().filter(BODY_KEYS::contains).toList();
        if (given.isEmpty()) {
            problems.at(
                    task.start(), label + " has no body: give one of sql, sql_file, class, submit, stream or python");
        }
        for (String extra : given.subList(Math.min(1, given.size()), given.size())) {
            problems.at(
                    task.keyNode(extra).orElseThrow(),
                    label + " has more than one body: '" + given.get(0) + "' and '" + extra
                            + "' (give exactly one of sql, sql_file, class, submit, stream or python)");
        }
        boolean sql = given.contains("sql") || given.contains("sql_file");
        for (String key : List.of("inputs", "output")) {
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
            case "python":
                return new PythonBodyReader(sqlFiles, templates, problems).read(task, label);
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
        Optional<SqlFiles.SqlFile> read = file;
        return text.map(sql -> new Body(new TaskBody.Sql(sql, read.map(SqlFiles.SqlFile::path), inputs, output), read));
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
