package io.kindling.executor.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.dsl.DataRef;
import io.kindling.dsl.ParamType;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.Redactor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the cluster runner needs to run one attempt of a SQL or class task, as the single argument of its main
 * method: JSON, base64url-encoded so no shell, REST layer or Spark argument parsing can change it.
 *
 * @param workDir relative input and output paths resolve against it, on the cluster's file system
 */
public record RunnerArgs(AttemptRequest request, String workDir) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The runner's log goes to the driver's stderr; it has no file of its own. */
    private static final Path NO_LOG_FILE = Path.of("stderr");

    public String encode() {
        ObjectNode root = JSON.createObjectNode();
        root.put("attempt_id", request.attemptId());
        root.put("run_id", request.runId());
        root.put("pipeline_id", request.pipelineId());
        root.put("task_id", request.taskId());
        root.put("attempt_number", request.attemptNumber());
        root.set("params", JSON.valueToTree(request.params()));
        // The driver masks its own log: the secrets are in the args already, so this reveals nothing more.
        root.set("redact", JSON.valueToTree(request.redactor().values()));
        root.put("work_dir", workDir);
        ObjectNode body = root.putObject("body");
        if (request.body() instanceof TaskBody.Sql sql) {
            body.put("type", "sql");
            body.put("sql", sql.sql());
            sql.sqlFile().ifPresent(file -> body.put("sql_file", file.toString()));
            ObjectNode inputs = body.putObject("inputs");
            sql.inputs().forEach((name, ref) -> inputs.set(name, ref(ref)));
            sql.output().ifPresent(ref -> body.set("output", ref(ref)));
            ObjectNode args = body.putObject("args");
            sql.args().forEach((name, value) -> {
                ParamType type = ParamType.of(value);
                args.putObject(name).put("type", type.yamlName()).put("value", type.format(value));
            });
        } else if (request.body() instanceof TaskBody.JavaClass javaClass) {
            body.put("type", "class");
            body.put("class", javaClass.className());
            body.set("args", JSON.valueToTree(javaClass.args()));
        } else {
            throw new IllegalArgumentException("the runner runs sql and class tasks, not "
                    + request.body().getClass().getSimpleName());
        }
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RunnerArgs decode(String encoded) {
        JsonNode root;
        try {
            root = JSON.readTree(Base64.getUrlDecoder().decode(encoded));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the runner's argument is not an encoded task: " + e.getMessage(), e);
        }
        JsonNode body = root.path("body");
        TaskBody taskBody = switch (body.path("type").asText()) {
            case "sql" -> {
                Map<String, DataRef> inputs = new LinkedHashMap<>();
                body.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), ref(e.getValue())));
                yield new TaskBody.Sql(body.path("sql").asText(),
                        Optional.ofNullable(body.get("sql_file")).map(n -> Path.of(n.asText())), inputs,
                        Optional.ofNullable(body.get("output")).map(RunnerArgs::ref), args(body.path("args")));
            }
            case "class" -> new TaskBody.JavaClass(body.path("class").asText(), strings(body.path("args")));
            default -> throw new IllegalArgumentException("unknown task body type '" + body.path("type").asText() + "'");
        };
        AttemptRequest request = new AttemptRequest(root.path("attempt_id").asText(), root.path("run_id").asText(),
                root.path("pipeline_id").asText(), root.path("task_id").asText(), root.path("attempt_number").asInt(),
                taskBody, strings(root.path("params")), Map.of(), NO_LOG_FILE, redactor(root.path("redact")));
        return new RunnerArgs(request, root.path("work_dir").asText());
    }

    /** Marker values travel with their type, so the driver binds the same typed literals as the daemon would. */
    private static Map<String, Object> args(JsonNode node) {
        Map<String, Object> args = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            String typeName = e.getValue().path("type").asText();
            String text = e.getValue().path("value").asText();
            ParamType type = ParamType.named(typeName).orElseThrow(() -> new IllegalArgumentException(
                    "marker :" + e.getKey() + " has an unknown type '" + typeName + "'"));
            args.put(e.getKey(), type.parse(text).orElseThrow(() -> new IllegalArgumentException(
                    "marker :" + e.getKey() + " holds '" + text + "', which is not " + type.described())));
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
        return new DataRef(node.path("format").asText(), node.path("path").asText(), node.path("mode").asText(),
                strings(node.path("options")));
    }

    private static Redactor redactor(JsonNode node) {
        Set<String> values = new LinkedHashSet<>();
        node.forEach(v -> values.add(v.asText()));
        return new Redactor(values);
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /** For logs: never the whole encoded text. */
    @Override
    public String toString() {
        return "RunnerArgs[" + request.attemptId() + "]";
    }
}
