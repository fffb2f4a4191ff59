package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys, types, required values, ids, and a file full of mistakes: each with its line, column and message. */
class PipelineParserValidationTest {
    private static final String KNOWN = "(known: ds, logical_time, run_id, pipeline, params.<name>)";

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserFixture.STRICT);
    }

    @Test
    void unknownTopLevelKeySuggestsTheClosestKnownKey() {
        assertThat(fixture.problems("""
                pipeline: p
                sheduel: {cron: "@daily"}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(fixture.problem(2, 1, "unknown key 'sheduel' in pipeline; did you mean 'schedule'?"));
    }

    @Test
    void unknownKeyWithoutACloseMatchHasNoSuggestion() {
        assertThat(fixture.problems("""
                pipeline: p
                colour: blue
                tasks: [{id: a, sql: SELECT 1}]
                """)).containsExactly(fixture.problem(2, 1, "unknown key 'colour' in pipeline"));
    }

    @Test
    void unknownKeysAreReportedAtEveryLevel() {
        assertThat(fixture.problems("""
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
                """))
                .containsExactly(
                        fixture.problem(2, 28, "unknown key 'timzone' in schedule; did you mean 'timezone'?"),
                        fixture.problem(3, 12, "unknown key 'retires' in defaults; did you mean 'retries'?"),
                        fixture.problem(4, 10, "unknown key 'on_falure' in alerts; did you mean 'on_failure'?"),
                        fixture.problem(7, 5, "unknown key 'depend_on' in task 'a'; did you mean 'depends_on'?"),
                        fixture.problem(
                                9, 40, "unknown key 'option' in input 'v' of task 'a'; did you mean 'options'?"),
                        fixture.problem(10, 36, "unknown key 'mdoe' in output of task 'a'; did you mean 'mode'?"),
                        fixture.problem(12, 43, "unknown key 'arg' in submit of task 'b'; did you mean 'args'?"));
    }

    @Test
    void wrongTypesNameTheKeyAndTheValue() {
        assertThat(fixture.problems("""
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
                """))
                .containsExactly(
                        fixture.problem(2, 18, "max_active_runs: expected an integer, got 'many'"),
                        fixture.problem(3, 11, "schedule: expected a mapping, got '@daily'"),
                        fixture.problem(4, 9, "params: expected a mapping, got a list"),
                        fixture.problem(8, 14, "retries: expected an integer, got 'two'"),
                        fixture.problem(9, 17, "depends_on: expected a list, got 'b'"),
                        fixture.problem(10, 21, "spark_conf.x: expected a string, got a mapping"));
    }

    @Test
    void booleansMustBeTrueOrFalse() {
        assertThat(fixture.problems("""
                pipeline: p
                schedule: {cron: "@daily", catchup: sometimes}
                tasks: [{id: a, sql: SELECT 1}]
                """))
                .containsExactly(fixture.problem(2, 37, "catchup: expected true or false, got 'sometimes'"));
    }

    @Test
    void numbersMustBeInRange() {
        assertThat(fixture.problems("""
                pipeline: p
                max_active_runs: 0
                tasks: [{id: a, sql: SELECT 1, retries: -1}]
                """))
                .containsExactly(
                        fixture.problem(2, 18, "max_active_runs: must be at least 1, got 0"),
                        fixture.problem(3, 41, "retries: must be at least 0, got -1"));
    }

    @Test
    void missingRequiredKeysAreReportedAtTheirMapping() {
        assertThat(fixture.problems("""
                description: no id, no tasks
                schedule:
                  timezone: UTC
                """))
                .containsExactly(
                        fixture.problem(1, 1, "missing required key 'pipeline' in pipeline"),
                        fixture.problem(1, 1, "missing required key 'tasks' in pipeline"),
                        fixture.problem(3, 3, "missing required key 'cron' in schedule"));
    }

    @Test
    void missingRequiredKeysInTasksAndTheirParts() {
        assertThat(fixture.problems("""
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
                """))
                .containsExactly(
                        fixture.problem(3, 5, "missing required key 'id' in task #1"),
                        fixture.problem(7, 10, "missing required key 'format' in input 'v' of task 'b'"),
                        fixture.problem(8, 13, "missing required key 'path' in output of task 'b'"),
                        fixture.problem(10, 13, "missing required key 'jar' in submit of task 'c'"),
                        fixture.problem(10, 13, "missing required key 'main_class' in submit of task 'c'"));
    }

    @Test
    void tasksMustBeANonEmptyListOfMappings() {
        assertThat(fixture.problems("pipeline: p\ntasks: []\n"))
                .containsExactly(fixture.problem(2, 8, "tasks: must list at least one task"));
        assertThat(fixture.problems("pipeline: p\ntasks: {a: 1}\n"))
                .containsExactly(fixture.problem(2, 8, "tasks: expected a list, got a mapping"));
        assertThat(fixture.problems("pipeline: p\ntasks: [a]\n"))
                .containsExactly(fixture.problem(2, 9, "tasks: expected a mapping, got 'a'"));
    }

    @Test
    void idsMustBeShortLowercaseNames() {
        assertThat(fixture.problems("""
                pipeline: Daily Orders
                tasks:
                  - id: Load.Data
                    sql: SELECT 1
                  - id: %s
                    sql: SELECT 1
                  - id: ok_id-2
                    sql: SELECT 1
                """.formatted("x".repeat(65))))
                .containsExactly(
                        fixture.problem(
                                1,
                                11,
                                "invalid pipeline id 'Daily Orders': use 1 to 64 characters from a-z, 0-9, _ and -"),
                        fixture.problem(
                                3, 9, "invalid task id 'Load.Data': use 1 to 64 characters from a-z, 0-9, _ and -"),
                        fixture.problem(
                                5,
                                9,
                                "invalid task id '" + "x".repeat(65)
                                        + "': use 1 to 64 characters from a-z, 0-9, _ and -"));
    }

    @Test
    void inputViewNamesMustBeSqlIdentifiers() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    sql: SELECT 1
                    inputs:
                      my-view: {format: csv, path: x}
                      1st: {format: csv, path: y}
                      _ok2: {format: csv, path: z}
                """))
                .containsExactly(
                        fixture.problem(
                                6,
                                7,
                                "inputs: 'my-view' is not a valid view name (letters, digits and _, not starting "
                                        + "with a digit)"),
                        fixture.problem(
                                7,
                                7,
                                "inputs: '1st' is not a valid view name (letters, digits and _, not starting "
                                        + "with a digit)"));
    }

    @Test
    void everyProblemOfAFileIsReportedInFileOrder() {
        assertThat(fixture.problems("""
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
                """))
                .containsExactly(
                        fixture.problem(
                                1, 11, "invalid pipeline id 'Bad Id': use 1 to 64 characters from a-z, 0-9, _ and -"),
                        fixture.problem(2, 1, "unknown key 'sheduel' in pipeline; did you mean 'schedule'?"),
                        fixture.problem(
                                3,
                                18,
                                "cron: expected 5 fields (Unix: minute hour day-of-month month day-of-week) or "
                                        + "6-7 fields (Quartz: second first), got 2 in 'every day'"),
                        fixture.problem(
                                3,
                                41,
                                "timezone: unknown time zone 'Mars/Olympus' (use an IANA name such as "
                                        + "Europe/Berlin, America/New_York or UTC)"),
                        fixture.problem(4, 22, "unknown executor 'nowhere' (known: local, spark)"),
                        fixture.problem(4, 40, "retries: expected an integer, got 'two'"),
                        fixture.problem(5, 23, "unknown webhook 'nobody' in on_failure (known: oncall, ops)"),
                        fixture.problem(8, 18, "dependency cycle: a -> c -> a (each task depends on the next)"),
                        fixture.problem(8, 21, "unknown dependency 'ghost' of task 'a'"),
                        fixture.problem(9, 10, "unknown template variable 'nope' " + KNOWN),
                        fixture.problem(11, 21, "task 'b' depends on itself"),
                        fixture.problem(13, 20, "retry_backoff: expected fixed or exponential, got 'random'"),
                        fixture.problem(17, 9, "duplicate task id 'a' (first defined at line 7)"));
    }
}
