package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Task values ({@code values:}, {@code {{ tasks.<id>.values.<name> }}}, {@code :tasks.<id>.<name>}), condition tasks and run_if. */
class PipelineParserDataflowTest {

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserFixture.STRICT);
    }

    private Pipeline parse(String yaml) {
        ParseResult result = new PipelineParser(ParserFixture.STRICT).parse(dir.resolve("p.yml"), yaml);
        assertThat(result.problems()).isEmpty();
        return result.pipeline().orElseThrow();
    }

    @Test
    void readsValuesConditionAndRunIf() {
        Pipeline p = parse("""
                pipeline: p
                tasks:
                  - id: load
                    sql: SELECT 1 AS x
                    values: {rows: "SELECT count(*) FROM range(3)", max_ts: "SELECT 2", table: "SELECT 't'"}
                  - id: last
                    sql: SELECT 1 AS a, 'b' AS b
                    values: last_row
                  - id: check
                    depends_on: [load]
                    condition: {left: "{{ tasks.load.values.rows }}", op: ">", right: 0}
                  - id: both
                    depends_on: [check, last]
                    condition:
                      any:
                        - {left: "{{ tasks.check.values.outcome }}", op: "==", right: "true"}
                        - all: [{left: "{{ tasks.last.values.a }}", op: "<=", right: 3}]
                  - id: yes
                    depends_on: [check]
                    run_if: {task: check, outcome: true}
                    sql: SELECT * FROM IDENTIFIER(:tasks.load.table) WHERE n > :tasks.load.rows
                    output: {format: parquet, path: "out/{{ tasks.load.values.max_ts }}"}
                """);
        Task load = p.tasks().get(0);
        TaskBody.Sql sql = (TaskBody.Sql) load.body();
        assertThat(sql.values().named()).containsOnlyKeys("rows", "max_ts", "table");
        assertThat(((TaskBody.Sql) p.tasks().get(1).body()).values().lastRow()).isTrue();
        Task check = p.tasks().get(2);
        assertThat(check.body())
                .isEqualTo(new TaskBody.ConditionCheck(
                        new Condition.Comparison("{{ tasks.load.values.rows }}", ">", "0")));
        assertThat(check.readsValuesOf()).containsExactly("load");
        assertThat(p.tasks().get(3).body()).isInstanceOf(TaskBody.ConditionCheck.class);
        assertThat(p.tasks().get(3).readsValuesOf()).containsExactlyInAnyOrder("check", "last");
        Task yes = p.tasks().get(4);
        assertThat(yes.runIf()).contains(new RunIf("check", true));
        assertThat(yes.readsValuesOf()).containsExactly("load");
        assertThat(load.runIf()).isEmpty();
        assertThat(load.readsValuesOf()).isEmpty();
    }

    @Test
    void aReferenceMustNameAnUpstreamTaskAndADeclaredValue() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: load
                    sql: SELECT 1
                    values: {rows: "SELECT 1"}
                  - id: side
                    class: com.example.Job
                    args: {a: "{{ tasks.load.values.rows }}"}
                  - id: down
                    depends_on: [load]
                    class: com.example.Job
                    args:
                      a: "{{ tasks.load.values.rowz }}"
                      b: "{{ tasks.nope.values.x }}"
                      c: "{{ tasks.down.values.x }}"
                  - id: plain
                    sql: SELECT 1
                  - id: more
                    depends_on: [down, plain]
                    sql: SELECT :tasks.plain.x, :tasks.load.rows
                """))
                .containsExactly(
                        fixture.problem(
                                8,
                                15,
                                "{{ tasks.load.values.rows }}: task 'load' is not upstream of task 'side': a task reads"
                                        + " values only of tasks it depends on, directly or through others (add 'load'"
                                        + " to depends_on)"),
                        fixture.problem(
                                13,
                                10,
                                "{{ tasks.load.values.rowz }}: task 'load' declares no value 'rowz' (its values:"
                                        + " rows); did you mean 'rows'?"),
                        fixture.problem(14, 10, "{{ tasks.nope.values.x }}: no task 'nope' in this pipeline"),
                        fixture.problem(15, 10, "{{ tasks.down.values.x }}: task 'down' cannot read its own values"),
                        fixture.problem(20, 10, ":tasks.plain.x: task 'plain' publishes no values (give it values:)"));
    }

    @Test
    void valuesReadInSqlNeedAnIdentifierIdAndAreNeverTemplatesInSql() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: my-load
                    class: com.example.Job
                  - id: down
                    depends_on: [my-load]
                    sql: SELECT :tasks.my-load.rows, '{{ tasks.my-load.values.rows }}', :tasks
                  - id: ok
                    depends_on: [my-load]
                    sql: SELECT 1
                    output: {format: csv, path: "out/{{ tasks.my-load.values.rows }}/{{ tasks.x.y }}"}
                """))
                .containsExactly(
                        fixture.problem(
                                7,
                                10,
                                "{{ tasks.my-load.values.rows }} is not allowed in SQL: use the parameter marker"
                                        + " :tasks.my-load.rows (and IDENTIFIER(:tasks.my-load.rows) for a table name)"),
                        fixture.problem(7, 10, ":tasks: write :tasks.<id>.<name> to read a value of an upstream task"),
                        fixture.problem(
                                7,
                                10,
                                ":tasks.my-load.rows: task 'my-load' has its values read in SQL, so its id must be an"
                                        + " SQL identifier (a-z, 0-9 and _, not starting with a digit): rename it, e.g."
                                        + " 'my_load'"),
                        fixture.problem(
                                11,
                                33,
                                "template variable 'tasks.x.y' names no task value: write tasks.<id>.values.<name>"));
    }

    @Test
    void valuesKeyChecks() {
        assertThat(fixture.problems("""
                pipeline: p
                defaults:
                  spark_conf: {a: "{{ tasks.load.values.rows }}"}
                tasks:
                  - id: a
                    sql: SELECT 1
                    values: first_row
                  - id: b
                    sql: SELECT 1
                    values: {1x: "SELECT 1", e: "", s: "SELECT '{{ params.q }}'"}
                  - id: c
                    class: com.example.Job
                    values: {x: "SELECT 1"}
                """))
                .containsExactly(
                        fixture.problem(
                                3,
                                19,
                                "{{ tasks.load.values.rows }}: task values may be read in a task only, not in"
                                        + " defaults:"),
                        fixture.problem(
                                7,
                                13,
                                "values: expected last_row or a mapping of value names to SQL statements, got"
                                        + " 'first_row'"),
                        fixture.problem(
                                10,
                                14,
                                "values: '1x' is not a valid value name (letters, digits and _, not starting with a"
                                        + " digit, at most 64)"),
                        fixture.problem(10, 33, "values.e: expected a SQL statement, got nothing"),
                        fixture.problem(
                                10,
                                40,
                                "{{ params.q }} is not allowed in SQL: use the parameter marker :q (and"
                                        + " IDENTIFIER(:q) for a table name)"),
                        fixture.problem(
                                13,
                                5,
                                "values: only a task with sql or sql_file may have values (task 'c' uses class)"));
    }

    @Test
    void conditionAndRunIfChecks() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    sql: SELECT 1
                  - id: check
                    depends_on: [a]
                    condition: {left: "1", op: "=~", right: 2}
                  - id: combo
                    condition: {all: [], any: []}
                  - id: empty
                    condition: {any: []}
                  - id: missing
                    condition: {left: "1", op: "<"}
                  - id: wrong
                    condition: {all: [{left: 1, op: "<", right: 2, extra: 1}]}
                  - id: b
                    depends_on: [a]
                    run_if: {task: a, outcome: true}
                    sql: SELECT 1
                  - id: c
                    run_if: {task: check, outcome: maybe}
                    sql: SELECT 1
                  - id: d
                    run_if: {task: check, outcome: true}
                    sql: SELECT 1
                  - id: e
                    depends_on: [a]
                    run_if: {task: zzz}
                    sql: SELECT 1
                """))
                .containsExactly(
                        fixture.problem(7, 32, "condition.op: unknown operator '=~' (use ==, !=, <, <=, > or >=)"),
                        fixture.problem(9, 16, "condition: give all: or any:, not both (nest one inside the other)"),
                        fixture.problem(11, 22, "condition.any: must list at least one condition"),
                        fixture.problem(13, 16, "missing required key 'right' in condition"),
                        fixture.problem(15, 52, "unknown key 'extra' in condition.all"),
                        fixture.problem(
                                18,
                                20,
                                "run_if: task 'a' is not a condition task (run_if names a task with condition:)"),
                        fixture.problem(21, 36, "outcome: expected true or false, got 'maybe'"),
                        fixture.problem(
                                24,
                                20,
                                "run_if: task 'check' is not a direct upstream of task 'd' (add it to depends_on)"),
                        fixture.problem(28, 13, "run_if: expected outcome: true or outcome: false"));
    }

    @Test
    void aParamCalledTasksWouldHideTheMarker() {
        assertThat(fixture.problems("""
                pipeline: p
                params: {tasks: 1}
                tasks:
                  - id: load
                    sql: SELECT 1
                    values: last_row
                  - id: down
                    depends_on: [load]
                    sql: SELECT :tasks.load.x
                """))
                .containsExactly(fixture.problem(
                        2,
                        1,
                        "param 'tasks': SQL here reads task values through the marker :tasks.<id>.<name>, so no"
                                + " param may be called tasks: rename it"));
    }

    @Test
    void markersInAnSqlFileAreCheckedWithTheirLine() throws Exception {
        java.nio.file.Files.writeString(
                dir.resolve("q.sql"), "SELECT 1;\nSELECT :tasks.nope.x, '{{ tasks.a.values.v }}'");
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    sql: SELECT 1
                    values: {v: SELECT 2}
                  - id: b
                    depends_on: [a]
                    sql_file: q.sql
                """))
                .containsExactly(
                        fixture.problem(
                                8,
                                15,
                                "q.sql line 2: {{ tasks.a.values.v }} is not allowed in SQL: use the parameter marker"
                                        + " :tasks.a.v (and IDENTIFIER(:tasks.a.v) for a table name)"),
                        fixture.problem(8, 15, ":tasks.nope.x in q.sql line 2: no task 'nope' in this pipeline"));
    }

    @Test
    void conditionsEvaluate() {
        assertThat(new Condition.Comparison("3", ">", "0").evaluate()).isTrue();
        assertThat(new Condition.Comparison("1.0", "==", "1").evaluate()).isTrue();
        assertThat(new Condition.Comparison("a", "!=", "b").evaluate()).isTrue();
        assertThat(new Condition.Comparison("2", "<=", "1").evaluate()).isFalse();
        assertThat(new Condition.Any(java.util.List.of(
                                new Condition.Comparison("1", ">", "2"), new Condition.Comparison("x", "==", "x")))
                        .evaluate())
                .isTrue();
        assertThat(new Condition.All(java.util.List.of(
                                new Condition.Comparison("1", "<", "2"), new Condition.Comparison("x", "==", "y")))
                        .evaluate())
                .isFalse();
        assertThatThrownBy(() -> new Condition.Comparison("abc", ">", "0").evaluate())
                .hasMessage("condition 'abc' > '0': > compares numbers, and 'abc' is not one");
    }

    @Test
    void templatesRenderValuesAndRefuseThemInSql() {
        TemplateContext context = new TemplateContext(
                        "p", "r1", java.time.Instant.EPOCH, java.time.ZoneOffset.UTC, Map.of())
                .withTaskValues(Map.of("load", Map.of("rows", 3, "name", "t1", "list", java.util.List.of(1, "a"))));
        assertThat(Templates.render("{{ tasks.load.values.rows }}/{{ tasks.load.values.name }}", context))
                .isEqualTo("3/t1");
        assertThat(Templates.render("{{ tasks.load.values.list }}", context)).isEqualTo("[1,\"a\"]");
        assertThatThrownBy(() -> Templates.render("{{ tasks.load.values.nope }}", context))
                .hasMessageStartingWith("task 'load' published no value 'nope'");
        assertThatThrownBy(() -> Templates.renderSql("SELECT '{{ tasks.load.values.rows }}'", context))
                .hasMessageStartingWith("{{ tasks.load.values.rows }} is not allowed in SQL");
        TaskBody.Sql sql = new TaskBody.Sql("SELECT :tasks.load.rows", Optional.empty(), Map.of(), Optional.empty())
                .render(context);
        assertThat(sql.taskValues()).containsOnlyKeys("load");
        assertThat(TaskValues.sqlTasks("SELECT :tasks.a.x, :tasks.b.y, x::tasks"))
                .isEqualTo(Set.of("a", "b"));
    }
}
