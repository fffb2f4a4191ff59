package io.kindling.executor;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.dsl.DataRef;
import io.kindling.dsl.ParamType;
import io.kindling.dsl.SqlValues;
import io.kindling.dsl.TaskBody;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An attempt of a SQL, class, stream or Python task as JSON, for a process that runs it elsewhere: the cluster runner, the local
 * executor's Spark process. Neither the task's {@code spark_conf} nor its log file is included: where they apply
 * differs by receiver, so each adds what it needs.
 */
public final class AttemptJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AttemptJson() {}

    public static ObjectNode encode(AttemptRequest request) {
        ObjectNode root = JSON.createObjectNode();
        root.put("attempt_id", request.attemptId());
        root.put("run_id", request.runId());
        root.put("pipeline_id", request.pipelineId());
        root.put("task_id", request.taskId());
        root.put("attempt_number", request.attemptNumber());
        root.set("params", JSON.valueToTree(request.params()));
        // The receiver masks its own log; the secrets are in the task already, so this reveals nothing more.
        root.set("redact", JSON.valueToTree(request.redactor().values()));
        request.libraries().forEach(jar -> root.withArray("libraries").add(jar.toString()));
        root.put("log_limit", request.logLimit());
        ObjectNode body = root.putObject("body");
        if (request.body() instanceof TaskBody.Sql sql) {
            body.put("type", "sql");
            body.put("sql", sql.sql());
            sql.sqlFile().ifPresent(file -> body.put("sql_file", file.toString()));
            ObjectNode inputs = body.putObject("inputs");
            sql.inputs().forEach((name, ref) -> inputs.set(name, ref(ref)));
            sql.output().ifPresent(ref -> body.set("output", ref(ref)));
            body.set("args", args(sql.args()));
            if (sql.values().lastRow()) {
                body.put("values", SqlValues.LAST_ROW);
            } else if (!sql.values().named().isEmpty()) {
                body.set("values", JSON.valueToTree(sql.values().named()));
            }
            if (!sql.taskValues().isEmpty()) {
                body.set("task_values", JSON.valueToTree(sql.taskValues()));
            }
        } else if (request.body() instanceof TaskBody.JavaClass javaClass) {
            body.put("type", "class");
            body.put("class", javaClass.className());
            body.set("args", JSON.valueToTree(javaClass.args()));
        } else if (request.body() instanceof TaskBody.Stream stream) {
            body.put("type", "stream");
            body.set("source", ref(stream.source()));
            stream.schema().ifPresent(schema -> body.put("schema", schema));
            body.put("sql", stream.sql());
            body.set("sink", ref(stream.sink()));
            stream.interval().ifPresent(interval -> body.put("interval_ms", interval.toMillis()));
            stream.checkpoint().ifPresent(checkpoint -> body.put("checkpoint", checkpoint));
            body.set("args", args(stream.args()));
        } else if (request.body() instanceof TaskBody.Python python) {
            body.put("type", "python");
            python.file().ifPresent(file -> body.put("file", file.toString()));
            python.module().ifPresent(module -> body.put("module", module));
            body.set("args", JSON.valueToTree(python.args()));
            body.set("run", JSON.valueToTree(python.run()));
        } else if (request.body() instanceof TaskBody.Notebook notebook) {
            body.put("type", "notebook");
            body.put("path", notebook.path().toString());
            body.set("params", JSON.valueToTree(notebook.params()));
            body.set("run", JSON.valueToTree(notebook.run()));
        } else {
            throw new IllegalArgumentException("runs sql, class, stream, python and notebook tasks, not "
                    + request.body().getClass().getSimpleName());
        }
        return root;
    }

    /** The attempt {@link #encode} wrote, with the receiver's own {@code sparkConf} and log file. */
    public static AttemptRequest decode(JsonNode root, Map<String, String> sparkConf, Path logFile) {
        JsonNode body = root.path("body");
        TaskBody taskBody = switch (body.path("type").asText()) {
            case "sql" -> {
                Map<String, DataRef> inputs = new LinkedHashMap<>();
                body.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), ref(e.getValue())));
                yield new TaskBody.Sql(
                        body.path("sql").asText(),
                        Optional.ofNullable(body.get("sql_file")).map(n -> Path.of(n.asText())),
                        inputs,
                        Optional.ofNullable(body.get("output")).map(AttemptJson::ref),
                        args(body.path("args")),
                        sqlValues(body.path("values")),
                        taskValues(body.path("task_values")));
            }
            case "class" -> new TaskBody.JavaClass(body.path("class").asText(), strings(body.path("args")));
            case "stream" ->
                new TaskBody.Stream(
                        ref(body.path("source")),
                        Optional.ofNullable(body.get("schema")).map(JsonNode::asText),
                        body.path("sql").asText(),
                        ref(body.path("sink")),
                        Optional.ofNullable(body.get("interval_ms")).map(n -> Duration.ofMillis(n.asLong())),
                        Optional.ofNullable(body.get("checkpoint")).map(JsonNode::asText),
                        args(body.path("args")));
            case "python" -> {
                List<String> args = new ArrayList<>();
                body.path("args").forEach(arg -> args.add(arg.asText()));
                yield new TaskBody.Python(
                        Optional.ofNullable(body.get("file")).map(n -> Path.of(n.asText())),
                        Optional.ofNullable(body.get("module")).map(JsonNode::asText),
                        args,
                        strings(body.path("run")));
            }
            case "notebook" ->
                new TaskBody.Notebook(
                        Path.of(body.path("path").asText()),
                        body.path("params").isObject()
                                ? JSON.convertValue(body.get("params"), new TypeReference<Map<String, Object>>() {})
                                : Map.<String, Object>of(),
                        strings(body.path("run")));
            default ->
                throw new IllegalArgumentException(
                        "unknown task body type '" + body.path("type").asText() + "'");
        };
        return new AttemptRequest(
                root.path("attempt_id").asText(),
                root.path("run_id").asText(),
                root.path("pipeline_id").asText(),
                root.path("task_id").asText(),
                root.path("attempt_number").asInt(),
                taskBody,
                strings(root.path("params")),
                sparkConf,
                logFile,
                redactor(root.path("redact")),
                paths(root.path("libraries")),
                root.path("log_limit").asLong(AttemptLog.DEFAULT_LIMIT));
    }

    private static SqlValues sqlValues(JsonNode node) {
        if (node.isTextual()) {
            return new SqlValues(Map.of(), true);
        }
        return node.isObject() ? new SqlValues(strings(node), false) : SqlValues.NONE;
    }

    private static Map<String, Map<String, Object>> taskValues(JsonNode node) {
        Map<String, Map<String, Object>> values = new LinkedHashMap<>();
        node.fields()
                .forEachRemaining(e -> values.put(
                        e.getKey(), TaskValuesJson.decode(e.getValue().toString())));
        return values;
    }

    private static List<Path> paths(JsonNode array) {
        List<Path> paths = new ArrayList<>();
        array.forEach(path -> paths.add(Path.of(path.asText())));
        return paths;
    }

    /** A JSON object of strings as a map, in order. */
    public static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    private static ObjectNode args(Map<String, Object> values) {
        ObjectNode args = JSON.createObjectNode();
        values.forEach((name, value) -> {
            ParamType type = ParamType.of(value);
            args.putObject(name).put("type", type.yamlName()).put("value", type.format(value));
        });
        return args;
    }

    /** Marker values travel with their type, so the receiver binds the same typed literals as the daemon would. */
    private static Map<String, Object> args(JsonNode node) {
        Map<String, Object> args = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            String typeName = e.getValue().path("type").asText();
            String text = e.getValue().path("value").asText();
            ParamType type = ParamType.named(typeName)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "marker :" + e.getKey() + " has an unknown type '" + typeName + "'"));
            args.put(
                    e.getKey(),
                    type.parse(text)
                            .orElseThrow(() -> new IllegalArgumentException("marker :" + e.getKey() + " holds '" + text
                                    + "', which is not " + type.described())));
        });
        return args;
    }

    private static ObjectNode ref(DataRef ref) {
        ObjectNode node = JSON.createObjectNode();
        node.put("format", ref.format());
        node.put("path", ref.path());
        node.put("mode", ref.mode());
        node.set("options", JSON.valueToTree(ref.options()));
        return node;
    }

    private static DataRef ref(JsonNode node) {
        return new DataRef(
                node.path("format").asText(),
                node.path("path").asText(),
                node.path("mode").asText(),
                strings(node.path("options")));
    }

    private static Redactor redactor(JsonNode node) {
        Set<String> values = new LinkedHashSet<>();
        node.forEach(v -> values.add(v.asText()));
        return new Redactor(values);
    }
}
