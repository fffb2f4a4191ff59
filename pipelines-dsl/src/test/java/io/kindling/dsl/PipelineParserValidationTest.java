package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys, types, required values, ids, and a file full of mistakes: each with its line, column and message. */
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
}
