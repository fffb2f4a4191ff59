package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineParserTest {
    private static final ParserOptions OPTIONS =
            new ParserOptions(Optional.of(Set.of("local", "spark")), Optional.of(Set.of("ops")), "local");

    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void copyExample() {
        file = TestFiles.copyResource("examples/daily_orders.yml", dir, "daily_orders.yml");
        TestFiles.copyResource("examples/sql/rollup.sql", dir, "sql/rollup.sql");
    }

    private Pipeline parseExample() {
        ParseResult result = new PipelineParser(OPTIONS).parse(file);
        assertThat(result.problems()).isEmpty();
        assertThat(result.ok()).isTrue();
        assertThat(result.file()).isEqualTo(file);
        return result.pipeline().orElseThrow();
    }

    @Test
    void parsesThePipelineLevelSettings() throws Exception {
        Pipeline p = parseExample();

        assertThat(p.id()).isEqualTo("daily_orders");
        assertThat(p.description()).isEqualTo("Roll up yesterday's orders by country");
        assertThat(p.schedule())
                .contains(new Schedule("30 2 * * *", "0 30 2 * * ?", ZoneId.of("Europe/Berlin"), false));
        assertThat(p.maxActiveRuns()).isEqualTo(1);
        assertThat(p.params())
                .containsExactly(
                        Map.entry("min_age", ParamSpec.of("min_age", ParamType.INT, 21)),
                        Map.entry(
                                "region",
                                new ParamSpec(
                                        "region",
                                        ParamType.STRING,
                                        Optional.of("eu"),
                                        8,
                                        Optional.of("[a-z]+"),
                                        List.of())));
        assertThat(p.alerts()).isEqualTo(new Alerts(List.of("ops"), List.of(), List.of(), Optional.empty()));
        assertThat(p.file()).isEqualTo(file);
        assertThat(p.source()).isEqualTo(Files.readString(file));
        assertThat(p.tasks()).extracting(Task::id).containsExactly("adults", "rollup", "load", "export");
    }

    @Test
    void tasksInheritDefaultsUnlessTheyOverrideThem() {
        Pipeline p = parseExample();
        RetryPolicy inherited =
                new RetryPolicy(2, Duration.ofSeconds(30), RetryPolicy.Backoff.EXPONENTIAL, Duration.ofMinutes(10));

        Task adults = p.task("adults").orElseThrow();
        assertThat(adults.executor()).isEqualTo("local");
        assertThat(adults.retry()).isEqualTo(inherited);
        assertThat(adults.timeout()).contains(Duration.ofHours(1));
        assertThat(adults.sparkConf()).isEqualTo(Map.of("spark.sql.shuffle.partitions", "8"));
        assertThat(adults.triggerRule()).isEqualTo(TriggerRule.ALL_SUCCESS);
        assertThat(adults.dependsOn()).isEmpty();

        Task rollup = p.task("rollup").orElseThrow();
        assertThat(rollup.executor()).isEqualTo("spark");
        assertThat(rollup.retry().retries()).isZero();
        assertThat(rollup.retry().backoff()).isEqualTo(RetryPolicy.Backoff.EXPONENTIAL);
        assertThat(rollup.sparkConf())
                .isEqualTo(Map.of("spark.sql.shuffle.partitions", "8", "spark.executor.memory", "2g"));
        assertThat(rollup.dependsOn()).containsExactly("adults");

        Task load = p.task("load").orElseThrow();
        assertThat(load.timeout()).contains(Duration.ofMinutes(30));
        assertThat(load.triggerRule()).isEqualTo(TriggerRule.ALL_DONE);
    }

    @Test
    void readsEachKindOfBody() throws Exception {
        Pipeline p = parseExample();

        assertThat(p.task("adults").orElseThrow().body())
                .isEqualTo(new TaskBody.Sql(
                        "SELECT name.first AS first_name FROM people WHERE age > :min_age",
                        Optional.empty(),
                        Map.of("people", new DataRef("json", "examples/data/people.json", "error", Map.of())),
                        Optional.of(new DataRef("parquet", "data/out/adults/{{ ds }}", "overwrite", Map.of()))));
        assertThat(p.task("rollup").orElseThrow().body())
                .isEqualTo(new TaskBody.Sql(
                        Files.readString(dir.resolve("sql/rollup.sql")), Optional.of(dir.resolve("sql/rollup.sql")),
                        Map.of(), Optional.empty()));
        assertThat(p.task("load").orElseThrow().body())
                .isEqualTo(new TaskBody.JavaClass(
                        "com.example.LoadWarehouse", Map.of("day", "{{ ds }}", "region", "{{ params.region }}")));
        assertThat(p.task("export").orElseThrow().body())
                .isEqualTo(new TaskBody.Submit(
                        "path/app.jar", "com.example.Main", List.of("{{ ds }}", "--run", "{{ run_id }}")));
    }

    @Test
    void builtInDefaultsApplyWithoutADefaultsSection() {
        ParseResult result = new PipelineParser(OPTIONS).parse(dir.resolve("minimal.yml"), """
                pipeline: minimal
                tasks:
                  - id: only
                    sql: SELECT 1
                """);

        Pipeline p = result.pipeline().orElseThrow();
        assertThat(p.schedule()).isEmpty();
        assertThat(p.maxActiveRuns()).isEqualTo(1);
        assertThat(p.params()).isEmpty();
        assertThat(p.alerts()).isEqualTo(Alerts.NONE);
        Task only = p.tasks().get(0);
        assertThat(only.executor()).isEqualTo("local");
        assertThat(only.retry()).isEqualTo(RetryPolicy.NONE);
        assertThat(only.timeout()).isEmpty();
        assertThat(only.triggerRule()).isEqualTo(TriggerRule.ALL_SUCCESS);
        assertThat(only.body()).isEqualTo(new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty()));
    }

    @Test
    void scheduleDefaultsToUtcWithoutCatchup() {
        ParseResult result = new PipelineParser(OPTIONS).parse(dir.resolve("p.yml"), """
                pipeline: p
                schedule: {cron: "@daily"}
                tasks: [{id: a, sql: SELECT 1}]
                """);

        Schedule schedule = result.pipeline().orElseThrow().schedule().orElseThrow();
        assertThat(schedule.quartzCron()).isEqualTo("0 0 0 * * ?");
        assertThat(schedule.timezone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(schedule.catchup()).isFalse();
    }

    @Test
    void bareDefaultsGiveTheirParamsATypeAndAreKeptAsText() {
        ParseResult result = new PipelineParser(OPTIONS).parse(dir.resolve("p.yml"), """
                pipeline: p
                params: {age: 21, ratio: 0.5, on: true, day: 2024-01-31, none: ~, quoted: "07"}
                tasks: [{id: a, sql: SELECT 1}]
                """);

        Pipeline p = result.pipeline().orElseThrow();
        assertThat(p.params().values())
                .extracting(ParamSpec::type)
                .containsExactly(
                        ParamType.INT,
                        ParamType.DOUBLE,
                        ParamType.BOOLEAN,
                        ParamType.DATE,
                        ParamType.STRING,
                        ParamType.STRING);
        assertThat(p.defaultParams())
                .containsExactly(
                        Map.entry("age", "21"),
                        Map.entry("ratio", "0.5"),
                        Map.entry("on", "true"),
                        Map.entry("day", "2024-01-31"),
                        Map.entry("none", ""),
                        Map.entry("quoted", "07"));
    }

    @Test
    void anExecutorDefaultsToTheOptionsDefaultWhenNeitherTaskNorDefaultsNameOne() {
        ParserOptions options = new ParserOptions(Optional.of(Set.of("cluster")), Optional.empty(), "cluster");
        ParseResult result = new PipelineParser(options).parse(dir.resolve("p.yml"), """
                pipeline: p
                tasks: [{id: a, sql: SELECT 1}]
                """);

        assertThat(result.pipeline().orElseThrow().tasks().get(0).executor()).isEqualTo("cluster");
    }

    @Test
    void contentHashIsStableAndCoversSqlFiles() throws Exception {
        String first = parseExample().contentHash();
        assertThat(first).matches("[0-9a-f]{64}");
        assertThat(parseExample().contentHash()).isEqualTo(first);

        Files.writeString(dir.resolve("sql/rollup.sql"), "SELECT 2", StandardCharsets.UTF_8);

        assertThat(parseExample().contentHash()).isNotEqualTo(first);
    }

    @Test
    void contentHashIsSha256OfTheFileThenTheSqlFiles() throws Exception {
        var sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(Files.readAllBytes(file));
        sha.update(Files.readAllBytes(dir.resolve("sql/rollup.sql")));

        assertThat(parseExample().contentHash())
                .isEqualTo(java.util.HexFormat.of().formatHex(sha.digest()));
    }

    @Test
    void contentHashChangesWhenThePipelineFileChanges() throws Exception {
        String before = parseExample().contentHash();

        Files.writeString(file, Files.readString(file).replace("max_active_runs: 1", "max_active_runs: 2"));

        assertThat(parseExample().contentHash()).isNotEqualTo(before);
    }

    @Test
    void parsingTextGivesTheSameResultAsReadingTheFile() throws Exception {
        Pipeline fromFile = parseExample();
        ParseResult fromText = new PipelineParser(OPTIONS).parse(file, Files.readString(file));

        assertThat(fromText.pipeline()).contains(fromFile);
    }

    @Test
    void aRelativeFileKeepsItsPathAsGiven() throws Exception {
        Path relative = Path.of("target", "test-pipelines", "relative.yml");
        ParseResult result = new PipelineParser(OPTIONS).parse(relative, """
                pipeline: relative
                tasks: [{id: a, sql: SELECT 1}, {id: b, sql: "SELECT {{ nope }}"}]
                """);

        assertThat(result.file()).isEqualTo(relative);
        assertThat(result.problems())
                .singleElement()
                .hasToString("target/test-pipelines/relative.yml:2:46: unknown template variable 'nope' "
                        + "(known: ds, logical_time, run_id, pipeline, params.<name>)");
    }

    @Test
    void aMissingFileIsAProblemAtTheStart() {
        Path missing = dir.resolve("missing.yml");

        ParseResult result = new PipelineParser(OPTIONS).parse(missing);

        assertThat(result.ok()).isFalse();
        assertThat(result.problems())
                .singleElement()
                .isEqualTo(new Problem(missing, 1, 1, "cannot read the file: no such file"));
    }

    @Test
    void aFolderIsNotAFile() {
        ParseResult result = new PipelineParser(OPTIONS).parse(dir);

        assertThat(result.problems())
                .singleElement()
                .isEqualTo(new Problem(dir, 1, 1, "cannot read the file: it is a folder"));
    }
}
