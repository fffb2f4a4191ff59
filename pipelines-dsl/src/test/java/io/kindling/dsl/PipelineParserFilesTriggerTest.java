package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** trigger: {files: {path, pattern, settle, min_interval}}: runs started by files arriving in a folder. */
class PipelineParserFilesTriggerTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());

    private ParseResult parse(String yaml) {
        return PARSER.parse(Path.of("landing.yml"), yaml);
    }

    private List<String> problems(String yaml) {
        return parse(yaml).problems().stream()
                .map(p -> p.line() + ":" + p.column() + " " + p.message())
                .toList();
    }

    @Test
    void readsEveryKeyAndDefaultsTheOptionalOnes() {
        Pipeline pipeline = parse("""
                        pipeline: landing
                        trigger: {files: {path: "s3a://bucket/in", pattern: "*.parquet", settle: 10s, min_interval: 5m}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        assertThat(pipeline.files())
                .contains(new FilesTrigger(
                        "s3a://bucket/in", "*.parquet", Duration.ofSeconds(10), Duration.ofMinutes(5)));
        assertThat(pipeline.trigger()).isEmpty();
        assertThat(pipeline.schedule()).isEmpty();

        Pipeline defaults = parse("""
                        pipeline: landing
                        trigger: {files: {path: data/in}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        assertThat(defaults.files())
                .contains(new FilesTrigger(
                        "data/in", "*", FilesTrigger.DEFAULT_SETTLE, FilesTrigger.DEFAULT_MIN_INTERVAL));

        Pipeline withEvents = parse("""
                        pipeline: landing
                        trigger:
                          files: {path: data/in}
                          events: {secret: HOOK}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        assertThat(withEvents.files()).isPresent();
        assertThat(withEvents.events()).isPresent();

        assertThat(parse("""
                        pipeline: landing
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow().files()).isEmpty();
    }

    @Test
    void thePollIntervalFollowsTheShorterOfSettleAndMinInterval() {
        assertThat(new FilesTrigger("in", "*", Duration.ofSeconds(30), Duration.ofMinutes(1)).pollInterval())
                .isEqualTo(Duration.ofMillis(7500));
        assertThat(new FilesTrigger("in", "*", Duration.ZERO, Duration.ofMinutes(1)).pollInterval())
                .isEqualTo(Duration.ofMillis(100));
        assertThat(new FilesTrigger("in", "*", Duration.ofHours(1), Duration.ofHours(1)).pollInterval())
                .isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void mistakesAreReportedWhereTheyAre() {
        assertThat(problems("""
                        pipeline: landing
                        trigger:
                          files: {pattern: "*.{csv", settle: 30, min_interval: 0s, recursive: true}
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactlyInAnyOrder(
                        "3:60 unknown key 'recursive' in trigger files",
                        "3:10 missing required key 'path' in trigger files",
                        "3:20 files.pattern: '*.{csv' is not a glob: Missing '}",
                        "3:38 settle: invalid duration '30' (use a whole number and a unit, e.g. 500ms, 30s, 10m, 1h,"
                                + " 2d or 1h30m)",
                        "3:56 min_interval: must be longer than 0s (it also sets how often the folder is listed)");

        assertThat(problems("""
                        pipeline: landing
                        trigger: {files: {path: "", pattern: "../*.csv"}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactlyInAnyOrder(
                        "2:25 files.path: expected a folder (a path or a URI), got nothing",
                        "2:38 files.pattern: '../*.csv' may not leave path with '..'");
        assertThat(problems("""
                        pipeline: landing
                        trigger: {files: {path: "in/{{ ds }}"}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactly("2:25 files.path: templates are not rendered here; write the folder itself");
    }

    @Test
    void aScheduleOrUpstreamsWithFilesAreRefused() {
        assertThat(problems("""
                        pipeline: landing
                        schedule: {cron: "0 6 * * *"}
                        trigger:
                          files: {path: in}
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactly("4:3 trigger.files: a pipeline runs on a schedule or when files arrive, not both:"
                        + " remove one (or split it into two pipelines)");
        assertThat(problems("""
                        pipeline: landing
                        trigger:
                          after: [{pipeline: ingest}]
                          files: {path: in}
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactly("4:3 trigger.files: a pipeline runs after upstream pipelines or when files arrive,"
                        + " not both: remove one");
        assertThat(problems("""
                        pipeline: landing
                        params: {region: {type: string}}
                        trigger: {files: {path: in}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """))
                .containsExactly("2:1 param 'region' has no default, but runs started by arriving files need one:"
                        + " give it a default, or remove the trigger");
    }

    @Test
    void triggerFilesIsATemplateOutsideSqlOfPipelinesWithFilesOnly() {
        Pipeline pipeline = parse("""
                        pipeline: landing
                        trigger: {files: {path: in}}
                        tasks:
                          - id: load
                            class: com.example.Load
                            args: {files: "{{ trigger.files }}"}
                        """).pipeline().orElseThrow();
        assertThat(pipeline.files()).isPresent();

        assertThat(problems("""
                        pipeline: landing
                        trigger: {files: {path: in}}
                        tasks:
                          - id: a
                            sql: SELECT '{{ trigger.files }}'
                        """))
                .containsExactly("5:10 {{ trigger.files }} is not allowed in SQL: file names come from whoever writes"
                        + " the folder; use the parameter marker :trigger_files (the same list as one string)");
        assertThat(problems("""
                        pipeline: landing
                        schedule: {cron: "0 6 * * *"}
                        tasks:
                          - id: load
                            class: com.example.Load
                            args: {files: "{{ trigger.files }}"}
                        """))
                .containsExactly("6:19 template variable 'trigger.files' is known only in a pipeline with trigger:"
                        + " {files: ...}");
    }

    @Test
    void theFilesRenderCommaSeparatedOutsideSqlAndAsAMarkerInSql() {
        TemplateContext context = new TemplateContext(
                        "landing", "r1", Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC, Map.of())
                .withTriggerFiles(List.of("file:/in/a.csv", "file:/in/b.csv"));
        assertThat(Templates.render("--files={{ trigger.files }}", context))
                .isEqualTo("--files=file:/in/a.csv,file:/in/b.csv");
        assertThat(Templates.sqlArgs(context)).containsEntry("trigger_files", "file:/in/a.csv,file:/in/b.csv");
        assertThatThrownBy(() -> Templates.renderSql("SELECT '{{ trigger.files }}'", context))
                .hasMessageContaining("not allowed in SQL");
    }
}
