package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bodies, names and values: each rule with the line, column and message it reports. */
class PipelineParserValuesTest {

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserFixture.STRICT);
    }

    @Test
    void aTaskNeedsExactlyOneBody() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: none
                    retries: 1
                  - id: two
                    sql: SELECT 1
                    class: com.example.Job
                    submit: {jar: a.jar, main_class: a.B}
                """))
                .containsExactly(
                        fixture.problem(
                                3,
                                5,
                                "task 'none' has no body: give one of sql, sql_file, class, submit, stream, condition, python, notebook, run_pipeline or for_each"),
                        fixture.problem(
                                7,
                                5,
                                "task 'two' has more than one body: 'sql' and 'class' (give exactly one of sql, "
                                        + "sql_file, class, submit, stream, condition, python, notebook, run_pipeline or for_each)"),
                        fixture.problem(
                                8,
                                5,
                                "task 'two' has more than one body: 'sql' and 'submit' (give exactly one of sql, "
                                        + "sql_file, class, submit, stream, condition, python, notebook, run_pipeline or for_each)"));
    }

    @Test
    void inputsOutputAndArgsOnlyWithTheirBody() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    class: com.example.Job
                    inputs: {v: {format: csv, path: x}}
                    output: {format: csv, path: y}
                  - id: b
                    sql: SELECT 1
                    args: {x: y}
                """))
                .containsExactly(
                        fixture.problem(
                                5, 5, "inputs: only a task with sql or sql_file may have inputs (task 'a' uses class)"),
                        fixture.problem(
                                6, 5, "output: only a task with sql or sql_file may have output (task 'a' uses class)"),
                        fixture.problem(
                                9,
                                5,
                                "args: only a task with class takes args (a submit or python task lists its args under submit or python)"));
    }

    @Test
    void classNamesMustLookLikeJavaNames() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    class: com.example..Job
                  - id: b
                    submit: {jar: a.jar, main_class: "com.example.Main; rm -rf /"}
                  - id: c
                    class: com.example.Outer$Inner
                """))
                .containsExactly(
                        fixture.problem(
                                4,
                                12,
                                "class: 'com.example..Job' is not a Java class name (like com.example.LoadWarehouse)"),
                        fixture.problem(
                                6,
                                38,
                                "main_class: 'com.example.Main; rm -rf /' is not a Java class name "
                                        + "(like com.example.LoadWarehouse)"));
    }

    @Test
    void unknownEnumValuesListTheKnownOnes() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    trigger_rule: all_sucess
                    retry_backoff: linear
                    sql: SELECT 1
                    output: {format: csv, path: y, mode: replace}
                """))
                .containsExactly(
                        fixture.problem(
                                4,
                                19,
                                "trigger_rule: unknown rule 'all_sucess' (use all_success, all_done, all_failed, "
                                        + "one_success, one_failed, none_failed); did you mean 'all_success'?"),
                        fixture.problem(5, 20, "retry_backoff: expected fixed or exponential, got 'linear'"),
                        fixture.problem(
                                7,
                                42,
                                "mode: unknown output mode 'replace' (use overwrite, append, error, errorifexists "
                                        + "or ignore)"));
    }

    @Test
    void executorsMustBeKnown() {
        assertThat(fixture.problems("""
                pipeline: p
                defaults: {executor: sprak}
                tasks:
                  - id: a
                    executor: gpu
                    sql: SELECT 1
                  - id: b
                    executor: spark
                    sql: SELECT 1
                """))
                .containsExactly(
                        fixture.problem(2, 22, "unknown executor 'sprak' (known: local, spark); did you mean 'spark'?"),
                        fixture.problem(5, 15, "unknown executor 'gpu' (known: local, spark)"));
    }

    @Test
    void poolsMustBeKnownAndPrioritiesIntegers() {
        ParserFixture pools = new ParserFixture(
                dir,
                new ParserOptions(
                        Optional.of(Set.of("local")),
                        Optional.of(Set.of()),
                        "local",
                        Optional.empty(),
                        ParserOptions.DEFAULT_RUN_PIPELINE_DEPTH,
                        Optional.of(Set.of("warehouse"))));
        assertThat(pools.problems("""
                pipeline: p
                defaults: {pool: warehuose}
                tasks:
                  - id: a
                    pool: gpu
                    priority: high
                    sql: SELECT 1
                  - id: b
                    pool: ""
                    sql: SELECT 1
                """))
                .containsExactly(
                        pools.problem(2, 18, "unknown pool 'warehuose' (known: warehouse); did you mean 'warehouse'?"),
                        pools.problem(5, 11, "unknown pool 'gpu' (known: warehouse)"),
                        pools.problem(6, 15, "priority: expected an integer, got 'high'"),
                        pools.problem(9, 11, "pool: a name is required"));

        ParseResult ok = new PipelineParser(pools.options()).parse(dir.resolve("p.yml"), """
                pipeline: p
                defaults: {pool: warehouse, priority: 5}
                tasks:
                  - {id: a, sql: SELECT 1}
                  - {id: b, priority: -3, sql: SELECT 1}
                """);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.pipeline().orElseThrow().tasks())
                .extracting(Task::pool, Task::priority)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Optional.of("warehouse"), 5),
                        org.assertj.core.groups.Tuple.tuple(Optional.of("warehouse"), -3));
    }

    @Test
    void anyExecutorAndWebhookIsAcceptedWhenTheOptionsListNone() {
        ParseResult result = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), """
                pipeline: p
                alerts: {on_failure: [anything]}
                tasks: [{id: a, executor: whatever, sql: SELECT 1}]
                """);

        assertThat(result.problems()).isEmpty();
        assertThat(result.pipeline().orElseThrow().tasks().get(0).executor()).isEqualTo("whatever");
    }

    @Test
    void webhooksMustBeKnownAndAlertsWellFormed() {
        assertThat(fixture.problems("""
                pipeline: p
                alerts:
                  on_failure: [ops, opz]
                  on_success: [pager]
                  on_retry: oncall
                  on_duration_over: forever
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(
                        fixture.problem(
                                3, 21, "unknown webhook 'opz' in on_failure (known: oncall, ops); did you mean 'ops'?"),
                        fixture.problem(4, 16, "unknown webhook 'pager' in on_success (known: oncall, ops)"),
                        fixture.problem(5, 13, "on_retry: expected a list, got 'oncall'"),
                        fixture.problem(
                                6,
                                21,
                                "on_duration_over: invalid duration 'forever' (use a whole number and a unit, "
                                        + "e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)"));
    }

    @Test
    void alertsAreRead() {
        ParseResult result = new PipelineParser(ParserFixture.STRICT).parse(dir.resolve("p.yml"), """
                pipeline: p
                alerts: {on_failure: [ops], on_success: [oncall], on_retry: [ops, oncall], on_duration_over: 2h}
                tasks: [{id: a, sql: SELECT 1}]
                """);

        assertThat(result.pipeline().orElseThrow().alerts())
                .isEqualTo(new Alerts(
                        List.of("ops"),
                        List.of("oncall"),
                        List.of("ops", "oncall"),
                        Optional.of(java.time.Duration.ofHours(2))));
    }

    @Test
    void alertAfterIsACountOfOneOrMore() {
        ParseResult result = new PipelineParser(ParserFixture.STRICT).parse(dir.resolve("p.yml"), """
                pipeline: p
                alerts: {on_failure: [ops], alert_after: 3}
                tasks: [{id: a, sql: SELECT 1}]
                """);
        assertThat(result.pipeline().orElseThrow().alerts().alertAfter()).isEqualTo(3);
        assertThat(fixture.problems("""
                pipeline: p
                alerts: {on_failure: [ops], alert_after: 0}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .singleElement()
                .asString()
                .contains("alert_after")
                .contains("0");
    }

    @Test
    void durationsMustBeValidAndTimeoutsPositive() {
        assertThat(fixture.problems("""
                pipeline: p
                defaults: {retry_delay: 5 minutes}
                tasks:
                  - id: a
                    sql: SELECT 1
                    max_retry_delay: 10
                    timeout: 0s
                  - id: b
                    sql: SELECT 1
                    timeout: 1.5h
                """))
                .containsExactly(
                        fixture.problem(
                                2,
                                25,
                                "retry_delay: invalid duration '5 minutes' (use a whole number and a unit, "
                                        + "e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)"),
                        fixture.problem(
                                6,
                                22,
                                "max_retry_delay: invalid duration '10' (use a whole number and a unit, "
                                        + "e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)"),
                        fixture.problem(7, 14, "timeout: must be longer than 0s"),
                        fixture.problem(
                                10,
                                14,
                                "timeout: invalid duration '1.5h' (use a whole number and a unit, "
                                        + "e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)"));
    }

    @Test
    void badCronIsReportedWithTheConversionsMessage() {
        assertThat(fixture.problems("""
                pipeline: p
                schedule:
                  cron: "0 9 1 * MON"
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(fixture.problem(
                        3, 9, "cron: day-of-month and day-of-week cannot both be restricted; use a Quartz expression"));
        assertThat(fixture.problems("""
                pipeline: p
                schedule: {cron: "61 * * * *"}
                tasks: [{id: a, sql: SELECT 1}]
                """)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.column()).isEqualTo(18);
            assertThat(p.message()).isEqualTo("cron: minute: value 61 is out of range 0-59");
        });
    }

    @Test
    void refusedCronsNameTheirFieldAtTheirLineAndNeverAJavaException() {
        // each of these made Quartz's parser answer with a Java exception's text, or crash
        for (String cron : List.of(
                "0 x 0 * * ?",
                "0 0 0 ? * MON-",
                "0 0 0 1-5/ * ?",
                "0 0 0 ? * 9999999999",
                "0 0 0 ? * 1-x",
                "0 0 0 1W-3 * ?",
                "0 0 0 LW,3 * ?",
                "0 0 0 ? * /2",
                "0 0 0 ? * MON#9")) {
            assertThat(fixture.problems(
                            "pipeline: p\nschedule:\n  cron: \"" + cron + "\"\ntasks: [{id: a, sql: SELECT 1}]\n"))
                    .as(cron)
                    .singleElement()
                    .satisfies(p -> {
                        assertThat(p.line()).isEqualTo(3);
                        assertThat(p.column()).isEqualTo(9);
                        assertThat(p.message())
                                .matches("cron: (second|minute|hour|day-of-month|month|day-of-week|year): .*")
                                .doesNotContain("java.", "Exception", "index");
                    });
        }
    }

    @Test
    void aScheduleThatCanNeverFireIsAnError() {
        assertThat(fixture.problems("""
                pipeline: p
                schedule: {cron: "0 0 30 2 *"}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(fixture.problem(
                        2,
                        18,
                        "cron: '0 0 30 2 *' never fires: no date matches it from now on (e.g. 30 February, 31 "
                                + "April, or a year that has passed)"));
        assertThat(fixture.problems("""
                pipeline: p
                schedule:
                  cron: "0 0 0 31 APR ? *"
                tasks: [{id: a, sql: SELECT 1}]
                """)).extracting(Problem::line).containsExactly(3);
        assertThat(fixture.problems("""
                pipeline: p
                schedule: {cron: "0 0 0 29 2 ?"}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .as("29 February comes every four years")
                .isEmpty();
    }

    @Test
    void aRetryDelayAboveItsMaximumIsAnErrorWhereItIsWritten() {
        assertThat(fixture.problems("""
                pipeline: p
                defaults: {retry_delay: 5m, max_retry_delay: 1m}
                tasks:
                  - {id: a, sql: SELECT 1}
                  - {id: b, sql: SELECT 1}
                """))
                .as("once, at the defaults, not at each task")
                .containsExactly(fixture.problem(
                        2,
                        25,
                        "retry_delay 5m is longer than max_retry_delay 1m, which caps every wait: lower retry_delay "
                                + "or raise max_retry_delay"));
        assertThat(fixture.problems("""
                pipeline: p
                defaults: {retry_delay: 5m, max_retry_delay: 1h}
                tasks:
                  - {id: a, sql: SELECT 1, max_retry_delay: 1m}
                  - {id: b, sql: SELECT 1, retry_delay: 20m}
                  - id: c
                    sql: SELECT 1
                    retry_delay: 2h
                """))
                .containsExactly(
                        fixture.problem(
                                4,
                                45,
                                "retry_delay 5m is longer than max_retry_delay 1m, which caps every wait: lower "
                                        + "retry_delay or raise max_retry_delay"),
                        fixture.problem(
                                8,
                                18,
                                "retry_delay 2h is longer than max_retry_delay 1h, which caps every wait: lower "
                                        + "retry_delay or raise max_retry_delay"));
        assertThat(fixture.problems("""
                pipeline: p
                tasks: [{id: a, sql: SELECT 1, retry_delay: 11m}]
                """))
                .containsExactly(fixture.problem(
                        2,
                        45,
                        "retry_delay 11m is longer than max_retry_delay 10m (the default), which caps every wait: "
                                + "lower retry_delay or raise max_retry_delay"));
        assertThat(fixture.problems("""
                pipeline: p
                tasks: [{id: a, sql: SELECT 1, retry_delay: 10m, timeout: 1s}]
                """))
                .as("equal to the maximum is fine; a timeout is per attempt, so one shorter than the delay is too")
                .isEmpty();
    }

    @Test
    void dstGapIsSkipOrRunAfterAndDefaultsToRunAfter() {
        ParseResult result = new PipelineParser(ParserOptions.lenient())
                .parse(
                        Path.of("p.yml"),
                        "pipeline: p\nschedule: {cron: '30 2 * * *'}\ntasks: [{id: a, sql: SELECT 1}]\n");
        assertThat(result.pipeline().orElseThrow().schedule().orElseThrow().dstGap())
                .isEqualTo(Schedule.DstGap.RUN_AFTER);
        result = new PipelineParser(ParserOptions.lenient())
                .parse(
                        Path.of("p.yml"),
                        "pipeline: p\nschedule: {cron: '30 2 * * *', dst_gap: skip}\ntasks: [{id: a, sql: SELECT 1}]\n");
        assertThat(result.pipeline().orElseThrow().schedule().orElseThrow().dstGap())
                .isEqualTo(Schedule.DstGap.SKIP);
        assertThat(fixture.problems("""
                pipeline: p
                schedule: {cron: "30 2 * * *", dst_gap: later}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(fixture.problem(2, 41, "dst_gap: expected skip or run_after, got 'later'"));
    }

    @Test
    void badTimeZoneIsReported() {
        assertThat(fixture.problems("""
                pipeline: p
                schedule: {cron: "@daily", timezone: Europe/Berln}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(fixture.problem(
                        2,
                        38,
                        "timezone: unknown time zone 'Europe/Berln' "
                                + "(use an IANA name such as Europe/Berlin, America/New_York or UTC)"));
    }

    @Test
    void unknownTemplateNamesInEveryRenderedString() {
        assertThat(fixture.problems("""
                pipeline: p
                params: {min_age: 21}
                tasks:
                  - id: a
                    sql: SELECT * FROM v WHERE age > {{ params.min_age }} AND d = '{{ date }}'
                    inputs: {v: {format: csv, path: "in/{{ dss }}", options: {sep: "{{ params.sep }}"}}}
                    output: {format: csv, path: "out/{{ runid }}"}
                  - id: b
                    class: com.example.Job
                    args: {day: "{{ ds }}", who: "{{ user }}"}
                  - id: c
                    submit: {jar: "{{ jar_dir }}/app.jar", main_class: a.B, args: ["{{ ds }}", "{{ today }}"]}
                """))
                .containsExactly(
                        fixture.problem(
                                5,
                                10,
                                "{{ params.min_age }} is not allowed in SQL: use the parameter marker :min_age "
                                        + "(and IDENTIFIER(:min_age) for a table name)"),
                        fixture.problem(
                                5,
                                10,
                                "unknown template variable 'date' (known: ds, logical_time, run_id, pipeline, "
                                        + "params.min_age)"),
                        fixture.problem(
                                6,
                                37,
                                "unknown template variable 'dss' (known: ds, logical_time, run_id, pipeline, "
                                        + "params.min_age)"),
                        fixture.problem(
                                6,
                                68,
                                "unknown template variable 'params.sep' (known: ds, logical_time, run_id, pipeline, "
                                        + "params.min_age)"),
                        fixture.problem(
                                7,
                                33,
                                "unknown template variable 'runid' (known: ds, logical_time, run_id, pipeline, "
                                        + "params.min_age)"),
                        fixture.problem(
                                10,
                                34,
                                "unknown template variable 'user' (known: ds, logical_time, run_id, pipeline, "
                                        + "params.min_age)"),
                        fixture.problem(
                                12,
                                19,
                                "unknown template variable 'jar_dir' (known: ds, logical_time, run_id, pipeline, "
                                        + "params.min_age)"),
                        fixture.problem(
                                12,
                                80,
                                "unknown template variable 'today' (known: ds, logical_time, run_id, pipeline, "
                                        + "params.min_age)"));
    }

    @Test
    void templateNamesMayUseEveryBuiltInAndParam() {
        ParseResult result = new PipelineParser(ParserFixture.STRICT).parse(dir.resolve("p.yml"), """
                pipeline: p
                params: {x: 1}
                tasks:
                  - id: a
                    sql: "SELECT '{{ds}}', '{{ logical_time }}', '{{ run_id }}', '{{ pipeline }}', :x"
                    output: {format: csv, path: "out/{{ params.x }}", options: {sep: "{{ params.x }}"}}
                """);

        assertThat(result.problems()).isEmpty();
    }
}
