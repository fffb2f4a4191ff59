package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys, types, names and values: each rule with the line, column and message it reports. */
class PipelineParserValidationTest {
    private static final ParserOptions OPTIONS =
            new ParserOptions(Optional.of(Set.of("local", "spark")), Optional.of(Set.of("ops", "oncall")), "local");
    private static final String KNOWN = "(known: ds, logical_time, run_id, pipeline, params.<name>)";

    @TempDir
    Path dir;

    private List<Problem> problems(String yaml) {
        ParseResult result = new PipelineParser(OPTIONS).parse(dir.resolve("p.yml"), yaml);
        assertThat(result.ok()).isEqualTo(result.problems().isEmpty());
        return result.problems();
    }

    private Problem problem(int line, int column, String message) {
        return new Problem(dir.resolve("p.yml"), line, column, message);
    }

    @Test
    void unknownTopLevelKeySuggestsTheClosestKnownKey() {
        assertThat(problems("""
                pipeline: p
                sheduel: {cron: "@daily"}
                tasks: [{id: a, sql: SELECT 1}]
                """)).containsExactly(problem(2, 1, "unknown key 'sheduel' in pipeline; did you mean 'schedule'?"));
    }

    @Test
    void unknownKeyWithoutACloseMatchHasNoSuggestion() {
        assertThat(problems("""
                pipeline: p
                owner: me
                tasks: [{id: a, sql: SELECT 1}]
                """)).containsExactly(problem(2, 1, "unknown key 'owner' in pipeline"));
    }

    @Test
    void unknownKeysAreReportedAtEveryLevel() {
        assertThat(problems("""
                pipeline: p
                schedule: {cron: "@daily", timzone: UTC}
                defaults: {retires: 1}
                alerts: {on_falure: [ops]}
                tasks:
                  - id: a
                    depend_on: [b]
                    sql: SELECT 1
                    inputs: {v: {format: csv, path: x, option: {}}}
                    output: {format: csv, path: y, mdoe: append}
                  - id: b
                    submit: {jar: a.jar, main_class: a.B, arg: []}
                """)).containsExactly(
                problem(2, 28, "unknown key 'timzone' in schedule; did you mean 'timezone'?"),
                problem(3, 12, "unknown key 'retires' in defaults; did you mean 'retries'?"),
                problem(4, 10, "unknown key 'on_falure' in alerts; did you mean 'on_failure'?"),
                problem(7, 5, "unknown key 'depend_on' in task 'a'; did you mean 'depends_on'?"),
                problem(9, 40, "unknown key 'option' in input 'v' of task 'a'; did you mean 'options'?"),
                problem(10, 36, "unknown key 'mdoe' in output of task 'a'; did you mean 'mode'?"),
                problem(12, 43, "unknown key 'arg' in submit of task 'b'; did you mean 'args'?"));
    }

    @Test
    void wrongTypesNameTheKeyAndTheValue() {
        assertThat(problems("""
                pipeline: p
                max_active_runs: many
                schedule: "@daily"
                params: [a]
                tasks:
                  - id: a
                    sql: SELECT 1
                    retries: two
                    depends_on: b
                    spark_conf: {x: {y: 1}}
                """)).containsExactly(
                problem(2, 18, "max_active_runs: expected an integer, got 'many'"),
                problem(3, 11, "schedule: expected a mapping, got '@daily'"),
                problem(4, 9, "params: expected a mapping, got a list"),
                problem(8, 14, "retries: expected an integer, got 'two'"),
                problem(9, 17, "depends_on: expected a list, got 'b'"),
                problem(10, 21, "spark_conf.x: expected a string, got a mapping"));
    }

    @Test
    void booleansMustBeTrueOrFalse() {
        assertThat(problems("""
                pipeline: p
                schedule: {cron: "@daily", catchup: sometimes}
                tasks: [{id: a, sql: SELECT 1}]
                """)).containsExactly(problem(2, 37, "catchup: expected true or false, got 'sometimes'"));
    }

    @Test
    void numbersMustBeInRange() {
        assertThat(problems("""
                pipeline: p
                max_active_runs: 0
                tasks: [{id: a, sql: SELECT 1, retries: -1}]
                """)).containsExactly(
                problem(2, 18, "max_active_runs: must be at least 1, got 0"),
                problem(3, 41, "retries: must be at least 0, got -1"));
    }

    @Test
    void missingRequiredKeysAreReportedAtTheirMapping() {
        assertThat(problems("""
                description: no id, no tasks
                schedule:
                  timezone: UTC
                """)).containsExactly(
                problem(1, 1, "missing required key 'pipeline' in pipeline"),
                problem(1, 1, "missing required key 'tasks' in pipeline"),
                problem(3, 3, "missing required key 'cron' in schedule"));
    }

    @Test
    void missingRequiredKeysInTasksAndTheirParts() {
        assertThat(problems("""
                pipeline: p
                tasks:
                  - sql: SELECT 1
                  - id: b
                    sql: SELECT 1
                    inputs:
                      v: {path: x}
                    output: {format: csv}
                  - id: c
                    submit: {args: []}
                """)).containsExactly(
                problem(3, 5, "missing required key 'id' in task #1"),
                problem(7, 10, "missing required key 'format' in input 'v' of task 'b'"),
                problem(8, 13, "missing required key 'path' in output of task 'b'"),
                problem(10, 13, "missing required key 'jar' in submit of task 'c'"),
                problem(10, 13, "missing required key 'main_class' in submit of task 'c'"));
    }

    @Test
    void tasksMustBeANonEmptyListOfMappings() {
        assertThat(problems("pipeline: p\ntasks: []\n"))
                .containsExactly(problem(2, 8, "tasks: must list at least one task"));
        assertThat(problems("pipeline: p\ntasks: {a: 1}\n"))
                .containsExactly(problem(2, 8, "tasks: expected a list, got a mapping"));
        assertThat(problems("pipeline: p\ntasks: [a]\n"))
                .containsExactly(problem(2, 9, "tasks: expected a mapping, got 'a'"));
    }

    @Test
    void idsMustBeShortLowercaseNames() {
        assertThat(problems("""
                pipeline: Daily Orders
                tasks:
                  - id: Load.Data
                    sql: SELECT 1
                  - id: %s
                    sql: SELECT 1
                  - id: ok_id-2
                    sql: SELECT 1
                """.formatted("x".repeat(65)))).containsExactly(
                problem(1, 11, "invalid pipeline id 'Daily Orders': use 1 to 64 characters from a-z, 0-9, _ and -"),
                problem(3, 9, "invalid task id 'Load.Data': use 1 to 64 characters from a-z, 0-9, _ and -"),
                problem(5, 9, "invalid task id '" + "x".repeat(65)
                        + "': use 1 to 64 characters from a-z, 0-9, _ and -"));
    }

    @Test
    void inputViewNamesMustBeSqlIdentifiers() {
        assertThat(problems("""
                pipeline: p
                tasks:
                  - id: a
                    sql: SELECT 1
                    inputs:
                      my-view: {format: csv, path: x}
                      1st: {format: csv, path: y}
                      _ok2: {format: csv, path: z}
                """)).containsExactly(
                problem(6, 7, "inputs: 'my-view' is not a valid view name (letters, digits and _, not starting "
                        + "with a digit)"),
                problem(7, 7, "inputs: '1st' is not a valid view name (letters, digits and _, not starting "
                        + "with a digit)"));
    }

    @Test
    void aTaskNeedsExactlyOneBody() {
        assertThat(problems("""
                pipeline: p
                tasks:
                  - id: none
                    retries: 1
                  - id: two
                    sql: SELECT 1
                    class: com.example.Job
                    submit: {jar: a.jar, main_class: a.B}
                """)).containsExactly(
                problem(3, 5, "task 'none' has no body: give one of sql, sql_file, class or submit"),
                problem(7, 5, "task 'two' has more than one body: 'sql' and 'class' (give exactly one of sql, "
                        + "sql_file, class or submit)"),
                problem(8, 5, "task 'two' has more than one body: 'sql' and 'submit' (give exactly one of sql, "
                        + "sql_file, class or submit)"));
    }

    @Test
    void inputsOutputAndArgsOnlyWithTheirBody() {
        assertThat(problems("""
                pipeline: p
                tasks:
                  - id: a
                    class: com.example.Job
                    inputs: {v: {format: csv, path: x}}
                    output: {format: csv, path: y}
                  - id: b
                    sql: SELECT 1
                    args: {x: y}
                """)).containsExactly(
                problem(5, 5, "inputs: only a task with sql or sql_file may have inputs (task 'a' uses class)"),
                problem(6, 5, "output: only a task with sql or sql_file may have output (task 'a' uses class)"),
                problem(9, 5, "args: only a task with class takes args (a submit task lists its args under submit)"));
    }

    @Test
    void classNamesMustLookLikeJavaNames() {
        assertThat(problems("""
                pipeline: p
                tasks:
                  - id: a
                    class: com.example..Job
                  - id: b
                    submit: {jar: a.jar, main_class: "com.example.Main; rm -rf /"}
                  - id: c
                    class: com.example.Outer$Inner
                """)).containsExactly(
                problem(4, 12, "class: 'com.example..Job' is not a Java class name (like com.example.LoadWarehouse)"),
                problem(6, 38, "main_class: 'com.example.Main; rm -rf /' is not a Java class name "
                        + "(like com.example.LoadWarehouse)"));
    }

    @Test
    void unknownEnumValuesListTheKnownOnes() {
        assertThat(problems("""
                pipeline: p
                tasks:
                  - id: a
                    trigger_rule: all_sucess
                    retry_backoff: linear
                    sql: SELECT 1
                    output: {format: csv, path: y, mode: replace}
                """)).containsExactly(
                problem(4, 19, "trigger_rule: unknown rule 'all_sucess' (use all_success, all_done, all_failed, "
                        + "one_success, one_failed, none_failed); did you mean 'all_success'?"),
                problem(5, 20, "retry_backoff: expected fixed or exponential, got 'linear'"),
                problem(7, 42, "mode: unknown output mode 'replace' (use overwrite, append, error, errorifexists "
                        + "or ignore)"));
    }

    @Test
    void executorsMustBeKnown() {
        assertThat(problems("""
                pipeline: p
                defaults: {executor: sprak}
                tasks:
                  - id: a
                    executor: gpu
                    sql: SELECT 1
                  - id: b
                    executor: spark
                    sql: SELECT 1
                """)).containsExactly(
                problem(2, 22, "unknown executor 'sprak' (known: local, spark); did you mean 'spark'?"),
                problem(5, 15, "unknown executor 'gpu' (known: local, spark)"));
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
        assertThat(problems("""
                pipeline: p
                alerts:
                  on_failure: [ops, opz]
                  on_success: [pager]
                  on_retry: oncall
                  on_duration_over: forever
                tasks: [{id: a, sql: SELECT 1}]
                """)).containsExactly(
                problem(3, 21, "unknown webhook 'opz' in on_failure (known: oncall, ops); did you mean 'ops'?"),
                problem(4, 16, "unknown webhook 'pager' in on_success (known: oncall, ops)"),
                problem(5, 13, "on_retry: expected a list, got 'oncall'"),
                problem(6, 21, "on_duration_over: invalid duration 'forever' (use a whole number and a unit, "
                        + "e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)"));
    }

    @Test
    void alertsAreRead() {
        ParseResult result = new PipelineParser(OPTIONS).parse(dir.resolve("p.yml"), """
                pipeline: p
                alerts: {on_failure: [ops], on_success: [oncall], on_retry: [ops, oncall], on_duration_over: 2h}
                tasks: [{id: a, sql: SELECT 1}]
                """);

        assertThat(result.pipeline().orElseThrow().alerts()).isEqualTo(new Alerts(List.of("ops"), List.of("oncall"),
                List.of("ops", "oncall"), Optional.of(java.time.Duration.ofHours(2))));
    }

    @Test
    void durationsMustBeValidAndTimeoutsPositive() {
        assertThat(problems("""
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
                """)).containsExactly(
                problem(2, 25, "retry_delay: invalid duration '5 minutes' (use a whole number and a unit, "
                        + "e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)"),
                problem(6, 22, "max_retry_delay: invalid duration '10' (use a whole number and a unit, "
                        + "e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)"),
                problem(7, 14, "timeout: must be longer than 0s"),
                problem(10, 14, "timeout: invalid duration '1.5h' (use a whole number and a unit, "
                        + "e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m)"));
    }

    @Test
    void badCronIsReportedWithTheConversionsMessage() {
        assertThat(problems("""
                pipeline: p
                schedule:
                  cron: "0 9 1 * MON"
                tasks: [{id: a, sql: SELECT 1}]
                """)).containsExactly(problem(3, 9,
                "cron: day-of-month and day-of-week cannot both be restricted; use a Quartz expression"));
        assertThat(problems("""
                pipeline: p
                schedule: {cron: "61 * * * *"}
                tasks: [{id: a, sql: SELECT 1}]
                """)).singleElement().satisfies(p -> {
                    assertThat(p.line()).isEqualTo(2);
                    assertThat(p.column()).isEqualTo(18);
                    assertThat(p.message()).startsWith("cron: invalid expression '61 * * * *'");
                });
    }

    @Test
    void badTimeZoneIsReported() {
        assertThat(problems("""
                pipeline: p
                schedule: {cron: "@daily", timezone: Europe/Berln}
                tasks: [{id: a, sql: SELECT 1}]
                """)).containsExactly(problem(2, 38, "timezone: unknown time zone 'Europe/Berln' "
                + "(use an IANA name such as Europe/Berlin, America/New_York or UTC)"));
    }

    @Test
    void unknownTemplateNamesInEveryRenderedString() {
        assertThat(problems("""
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
                """)).containsExactly(
                problem(5, 10, "unknown template variable 'date' (known: ds, logical_time, run_id, pipeline, "
                        + "params.min_age)"),
                problem(6, 37, "unknown template variable 'dss' (known: ds, logical_time, run_id, pipeline, "
                        + "params.min_age)"),
                problem(6, 68, "unknown template variable 'params.sep' (known: ds, logical_time, run_id, pipeline, "
                        + "params.min_age)"),
                problem(7, 33, "unknown template variable 'runid' (known: ds, logical_time, run_id, pipeline, "
                        + "params.min_age)"),
                problem(10, 34, "unknown template variable 'user' (known: ds, logical_time, run_id, pipeline, "
                        + "params.min_age)"),
                problem(12, 19, "unknown template variable 'jar_dir' (known: ds, logical_time, run_id, pipeline, "
                        + "params.min_age)"),
                problem(12, 80, "unknown template variable 'today' (known: ds, logical_time, run_id, pipeline, "
                        + "params.min_age)"));
    }

    @Test
    void everyProblemOfAFileIsReportedInFileOrder() {
        assertThat(problems("""
                pipeline: Bad Id
                sheduel: {cron: "@daily"}
                schedule: {cron: "every day", timezone: Mars/Olympus}
                defaults: {executor: nowhere, retries: two}
                alerts: {on_failure: [nobody]}
                tasks:
                  - id: a
                    depends_on: [c, ghost]
                    sql: "SELECT {{ nope }}"
                  - id: b
                    depends_on: [a, b]
                    class: com.example.Job
                    retry_backoff: random
                  - id: c
                    depends_on: [a]
                    sql: SELECT 1
                  - id: a
                    sql: SELECT 2
                """)).containsExactly(
                problem(1, 11, "invalid pipeline id 'Bad Id': use 1 to 64 characters from a-z, 0-9, _ and -"),
                problem(2, 1, "unknown key 'sheduel' in pipeline; did you mean 'schedule'?"),
                problem(3, 18, "cron: expected 5 fields (Unix: minute hour day-of-month month day-of-week) or "
                        + "6-7 fields (Quartz: second first), got 2 in 'every day'"),
                problem(3, 41, "timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as "
                        + "Europe/Berlin, America/New_York or UTC)"),
                problem(4, 22, "unknown executor 'nowhere' (known: local, spark)"),
                problem(4, 40, "retries: expected an integer, got 'two'"),
                problem(5, 23, "unknown webhook 'nobody' in on_failure (known: oncall, ops)"),
                problem(8, 18, "dependency cycle: a -> c -> a (each task depends on the next)"),
                problem(8, 21, "unknown dependency 'ghost' of task 'a'"),
                problem(9, 10, "unknown template variable 'nope' " + KNOWN),
                problem(11, 21, "task 'b' depends on itself"),
                problem(13, 20, "retry_backoff: expected fixed or exponential, got 'random'"),
                problem(17, 9, "duplicate task id 'a' (first defined at line 7)"));
    }

    @Test
    void templateNamesMayUseEveryBuiltInAndParam() {
        ParseResult result = new PipelineParser(OPTIONS).parse(dir.resolve("p.yml"), """
                pipeline: p
                params: {x: 1}
                tasks:
                  - id: a
                    sql: "SELECT '{{ds}}', '{{ logical_time }}', '{{ run_id }}', '{{ pipeline }}', {{ params.x }}"
                """);

        assertThat(result.problems()).isEmpty();
    }
}
