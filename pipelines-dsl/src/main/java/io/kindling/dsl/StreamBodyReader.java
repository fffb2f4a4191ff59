package io.kindling.dsl;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code stream:} body: {@code source} (format, path, schema, options), {@code sql} over the view
 * {@code source}, {@code sink} (format, path, options), {@code trigger} and {@code checkpoint}.
 */
final class StreamBodyReader {
    static final Set<String> KEYS = Set.of("source", "sql", "sink", "trigger", "checkpoint");
    private static final Set<String> SOURCE_KEYS = Set.of("format", "path", "schema", "options");
    private static final Set<String> SINK_KEYS = Set.of("format", "path", "options");
    static final String AVAILABLE_NOW = "available_now";
    /** A micro-batch every 10 s unless {@code trigger:} says otherwise: a folder is listed that often. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private static final Pattern URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

    private final TaskBodyReader bodies;
    private final TemplateCheck templates;
    private final SecretsInSql secretsInSql;
    private final Problems problems;

    StreamBodyReader(TaskBodyReader bodies, TemplateCheck templates, SecretsInSql secretsInSql, Problems problems) {
        this.bodies = bodies;
        this.templates = templates;
        this.secretsInSql = secretsInSql;
        this.problems = problems;
    }

    Optional<TaskBodyReader.Body> read(YamlMap task, String label) {
        Optional<YamlMap> stream = task.required("stream")
                .flatMap(node -> YamlMap.of(node, "stream", "stream of " + label, KEYS, problems));
        if (stream.isEmpty()) {
            return Optional.empty();
        }
        YamlMap map = stream.get();
        Optional<YamlMap> sourceMap = map.required("source")
                .flatMap(node -> YamlMap.of(node, "stream.source", "source of " + label, SOURCE_KEYS, problems));
        Optional<DataRef> source = sourceMap.flatMap(s -> bodies.dataRef(s, "error"));
        Optional<String> schema = sourceMap.flatMap(s -> s.scalar("schema")).flatMap(s -> {
            if (s.value().isBlank()) {
                problems.at(s.node(), "schema: expected the source's columns, like 'id INT, name STRING'");
                return Optional.empty();
            }
            return Optional.of(s.value());
        });
        Optional<DataRef> sink = map.required("sink")
                .flatMap(node -> YamlMap.of(node, "stream.sink", "sink of " + label, SINK_KEYS, problems))
                .flatMap(s -> bodies.dataRef(s, "append"));
        String sql = "SELECT * FROM " + TaskBody.Stream.SOURCE_VIEW;
        Optional<YamlMap.Scalar> given = map.scalar("sql");
        if (given.isPresent()) {
            if (given.get().value().isBlank()) {
                problems.at(given.get().node(), "sql: must not be empty");
            } else {
                templates.checkSql(given.get().value(), given.get().node());
                secretsInSql.check(given.get().value(), given.get().node());
                sql = given.get().value();
            }
        }
        Optional<Optional<Duration>> interval =
                map.scalar("trigger").map(this::interval).orElse(Optional.of(Optional.of(DEFAULT_INTERVAL)));
        Optional<Optional<String>> checkpoint =
                map.scalar("checkpoint").map(this::checkpoint).orElse(Optional.of(Optional.empty()));
        if (source.isEmpty() || sink.isEmpty() || interval.isEmpty() || checkpoint.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new TaskBodyReader.Body(
                new TaskBody.Stream(source.get(), schema, sql, sink.get(), interval.get(), checkpoint.get(), Map.of()),
                Optional.empty()));
    }

    /** {@code trigger: 10s} (a micro-batch every 10 s), or {@code available_now}: empty when wrong. */
    private Optional<Optional<Duration>> interval(YamlMap.Scalar value) {
        if (value.value().equals(AVAILABLE_NOW)) {
            return Optional.of(Optional.empty());
        }
        try {
            return Optional.of(Optional.of(Durations.parse(value.value())));
        } catch (IllegalArgumentException e) {
            problems.at(
                    value.node(),
                    "trigger: expected a duration between micro-batches (like 10s) or " + AVAILABLE_NOW + ", got '"
                            + value.value() + "'");
            return Optional.empty();
        }
    }

    /** A folder under the executor's checkpoints folder: relative, and never above it. */
    private Optional<Optional<String>> checkpoint(YamlMap.Scalar value) {
        String text = value.value();
        String rule = "checkpoint: '" + text + "' must be a relative folder under the executor's checkpoints folder"
                + " (like events or sales/daily), without templates or ..";
        try {
            Path path = Path.of(text).normalize();
            if (text.isBlank()
                    || text.contains("{{")
                    || URI.matcher(text).matches()
                    || path.isAbsolute()
                    || text.startsWith("/")
                    || text.startsWith("\\")
                    || path.toString().isEmpty()
                    || path.startsWith("..")) {
                problems.at(value.node(), rule);
                return Optional.empty();
            }
            return Optional.of(Optional.of(path.toString().replace('\\', '/')));
        } catch (InvalidPathException e) {
            problems.at(value.node(), rule);
            return Optional.empty();
        }
    }
}
