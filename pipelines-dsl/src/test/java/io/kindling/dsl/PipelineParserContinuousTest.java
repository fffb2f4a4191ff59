package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** trigger: continuous, and the stream: task body it is made for. */
class PipelineParserContinuousTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    private ParseResult parse(String yaml) {
        return PARSER.parse(Path.of("events.yml"), yaml);
    }

    private List<String> problems(String yaml) {
        return parse(yaml).problems().stream()
                .map(p -> p.line() + ":" + p.column() + " " + p.message())
                .toList();
    }

    @Test
    void continuousIsAScalarTriggerBesideTheMappingForm() {
        Pipeline continuous = parse("""
                        pipeline: events
                        trigger: continuous
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        assertThat(continuous.continuous()).isTrue();
        assertThat(continuous.trigger()).isEmpty();
        assertThat(continuous.events()).isEmpty();
        assertThat(continuous.schedule()).isEmpty();

        Pipeline after = parse("""
                        pipeline: events
                        trigger: {after: [{pipeline: ingest}]}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        assertThat(after.continuous()).isFalse();
        assertThat(after.trigger()).isPresent();
        assertThat(parse("""
                        pipeline: events
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow().continuous()).isFalse();
    }

    @Test
    void aContinuousPipelineHasNoScheduleNoRetriesAndDefaultsForItsParams() {
        assertThat(problems("""
                        pipeline: events
                        schedule: {cron: "0 6 * * *"}
                        params: {day: {type: date}}
                        trigger: continuous
                        defaults: {retries: 2}
                        tasks:
                          - id: a
                            sql: SELECT 1
                            retries: 3
                          - id: b
                            sql: SELECT 2
                            retries: 0
                        """))
                .containsExactlyInAnyOrder(
                        "4:1 trigger: a continuous pipeline keeps one run going and has no schedule: remove one",
                        "3:1 param 'day' has no default, but scheduled runs need one: give it a default, or remove"
                                + " the schedule",
                        "5:12 retries: a continuous pipeline does not retry tasks: a failed run is followed by a new"
                                + " run after a backoff (docs/triggers.md): remove retries",
                        "9:5 retries: a continuous pipeline does not retry tasks: a failed run is followed by a new"
                                + " run after a backoff (docs/triggers.md): remove retries");
        assertThat(problems("""
                        pipeline: events
                        params: {day: {type: date}}
                        trigger: continuous
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactly("2:1 param 'day' has no default, but continuous runs need one: give it a default,"
                        + " or remove the trigger");
    }

    @Test
    void anotherScalarIsNotATrigger() {
        assertThat(problems("""
                        pipeline: events
                        trigger: always
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactly(
                        "2:10 trigger: expected continuous, or a mapping with after: or events:, got 'always'");
    }

    @Test
    void readsAStreamBody() {
        ParseResult result = parse("""
                        pipeline: events
                        trigger: continuous
                        params: {region: eu}
                        tasks:
                          - id: load
                            stream:
                              source: {format: json, path: "landing/{{ params.region }}", schema: "id INT, name STRING",
                                       options: {maxFilesPerTrigger: "5"}}
                              sql: SELECT id, upper(name) AS name FROM source WHERE name <> :region
                              sink: {format: parquet, path: out/events}
                              trigger: 2s
                              checkpoint: load/v2
                          - id: defaults
                            stream:
                              source: {format: json, path: landing}
                              sink: {format: parquet, path: out/all}
                        """);
        assertThat(result.problems()).isEmpty();
        Pipeline pipeline = result.pipeline().orElseThrow();
        TaskBody.Stream load =
                (TaskBody.Stream) pipeline.task("load").orElseThrow().body();
        assertThat(load.source())
                .isEqualTo(
                        new DataRef("json", "landing/{{ params.region }}", "error", Map.of("maxFilesPerTrigger", "5")));
        assertThat(load.schema()).contains("id INT, name STRING");
        assertThat(load.sql()).isEqualTo("SELECT id, upper(name) AS name FROM source WHERE name <> :region");
        assertThat(load.sink()).isEqualTo(new DataRef("parquet", "out/events", "append", Map.of()));
        assertThat(load.interval()).contains(Duration.ofSeconds(2));
        assertThat(load.checkpoint()).contains("load/v2");

        TaskBody.Stream defaults =
                (TaskBody.Stream) pipeline.task("defaults").orElseThrow().body();
        assertThat(defaults.sql()).isEqualTo("SELECT * FROM source");
        assertThat(defaults.schema()).isEmpty();
        assertThat(defaults.interval()).contains(Duration.ofSeconds(10));
        assertThat(defaults.checkpoint()).isEmpty();

        TaskBody.Stream rendered = load.render(
                TemplateContext.of(pipeline, "run-1", Instant.EPOCH, ZoneOffset.UTC, Map.of("region", "eu")));
        assertThat(rendered.source().path()).isEqualTo("landing/eu");
        assertThat(rendered.args()).containsEntry("region", "eu");
    }

    @Test
    void availableNowProcessesWhatIsThereAndEnds() {
        TaskBody.Stream body = (TaskBody.Stream)
                parse("""
                        pipeline: events
                        tasks:
                          - id: load
                            stream:
                              source: {format: json, path: landing}
                              sink: {format: parquet, path: out}
                              trigger: available_now
                        """).pipeline().orElseThrow().tasks().get(0).body();
        assertThat(body.interval()).isEqualTo(Optional.empty());
    }

    @Test
    void streamMistakesAreReportedWhereTheyAre() {
        assertThat(problems("""
                        pipeline: events
                        tasks:
                          - id: load
                            stream:
                              source: {format: json, schema: "", mode: append}
                              sink: {format: parquet, path: out, mode: overwrite}
                              trigger: often
                              checkpoint: ../elsewhere
                              window: 1m
                          - id: both
                            sql: SELECT 1
                            stream: {source: {format: json, path: a}, sink: {format: json, path: b}}
                          - id: outside
                            stream:
                              source: {format: json, path: a}
                              sink: {format: json, path: b}
                              checkpoint: /tmp/cp
                            output: {format: json, path: c}
                        """))
                .containsExactlyInAnyOrder(
                        "9:7 unknown key 'window' in stream of task 'load'",
                        "5:42 unknown key 'mode' in source of task 'load'",
                        "5:15 missing required key 'path' in source of task 'load'",
                        "5:38 schema: expected the source's columns, like 'id INT, name STRING'",
                        "6:42 unknown key 'mode' in sink of task 'load'",
                        "7:16 trigger: expected a duration between micro-batches (like 10s) or available_now, got"
                                + " 'often'",
                        "8:19 checkpoint: '../elsewhere' must be a relative folder under the executor's checkpoints"
                                + " folder (like events or sales/daily), without templates or ..",
                        "12:5 task 'both' has more than one body: 'sql' and 'stream' (give exactly one of sql,"
                                + " sql_file, class, submit, stream, condition, python, notebook, run_pipeline or for_each)",
                        "17:19 checkpoint: '/tmp/cp' must be a relative folder under the executor's checkpoints"
                                + " folder (like events or sales/daily), without templates or ..",
                        "18:5 output: only a task with sql or sql_file may have output (task 'outside' uses stream)");
    }

    @Test
    void onlyLocalExecutorsRunStreamTasks() {
        PipelineParser parser = new PipelineParser(new ParserOptions(
                Optional.of(Set.of("local", "cluster", "connect")),
                Optional.empty(),
                "local",
                Optional.of(Set.of("local"))));
        String yaml = """
                pipeline: events
                tasks:
                  - id: here
                    stream: {source: {format: json, path: a}, sink: {format: json, path: b}}
                  - id: there
                    executor: cluster
                    stream: {source: {format: json, path: a}, sink: {format: json, path: c}}
                """;
        assertThat(parser.parse(Path.of("events.yml"), yaml).problems().stream()
                        .map(p -> p.line() + ":" + p.column() + " " + p.message()))
                .containsExactly("7:5 stream: executor 'cluster' does not run stream tasks: only executors of type"
                        + " local do (local)");
    }
}
