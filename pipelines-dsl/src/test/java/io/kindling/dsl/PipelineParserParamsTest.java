package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** params: typed, checked where they are declared, and never pasted into SQL. */
class PipelineParserParamsTest {
    private static final String TASKS = "tasks: [{id: a, sql: SELECT 1}]\n";

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserOptions.lenient());
    }

    private Pipeline parse(String yaml) {
        ParseResult result = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), yaml);
        assertThat(result.problems()).isEmpty();
        return result.pipeline().orElseThrow();
    }

    @Test
    void bareDefaultsInferTheirType() {
        Pipeline p = parse("""
                pipeline: p
                params: {min_age: 21, big: 9000000000, ratio: 2.5, on: true, day: 2026-12-03, name: eu,
                         quoted: "21", tables: [a, b]}
                """ + TASKS);

        assertThat(p.params().values())
                .extracting(ParamSpec::type)
                .containsExactly(
                        ParamType.INT,
                        ParamType.LONG,
                        ParamType.DOUBLE,
                        ParamType.BOOLEAN,
                        ParamType.DATE,
                        ParamType.STRING,
                        ParamType.STRING,
                        ParamType.LIST);
        assertThat(p.params().values())
                .extracting(s -> s.defaultValue().orElseThrow())
                .containsExactly(
                        21, 9_000_000_000L, 2.5, true, LocalDate.of(2026, 12, 3), "eu", "21", List.of("a", "b"));
        assertThat(p.params().values())
                .allMatch(s -> s.maxLength() == 4096 && s.pattern().isEmpty());
    }

    @Test
    void declaredParamsHaveEveryType() {
        Pipeline p = parse("""
                pipeline: p
                params:
                  day: {type: date}
                  at: {type: timestamp, default: "2026-12-03T10:00:00Z"}
                  count: {type: long, default: 5}
                  region: {type: string, default: eu, max_length: 8, pattern: "[a-z]+"}
                  zone: {type: enum, values: [eu, us], default: us}
                  tables: {type: list, default: [a, b]}
                  flag: {type: boolean, default: false}
                """ + TASKS);

        assertThat(p.params().get("day"))
                .isEqualTo(new ParamSpec("day", ParamType.DATE, Optional.empty(), 4096, Optional.empty(), List.of()));
        assertThat(p.params().get("day").required()).isTrue();
        assertThat(p.params().get("at").defaultValue()).contains(Instant.parse("2026-12-03T10:00:00Z"));
        assertThat(p.params().get("count").defaultValue()).contains(5L);
        assertThat(p.params().get("region"))
                .isEqualTo(new ParamSpec(
                        "region", ParamType.STRING, Optional.of("eu"), 8, Optional.of("[a-z]+"), List.of()));
        assertThat(p.params().get("zone"))
                .isEqualTo(new ParamSpec(
                        "zone", ParamType.ENUM, Optional.of("us"), 4096, Optional.empty(), List.of("eu", "us")));
        assertThat(p.params().get("tables").defaultValue()).contains(List.of("a", "b"));
        assertThat(p.params().get("flag").defaultValue()).contains(false);
        assertThat(p.defaultParams()).doesNotContainKey("day").containsEntry("tables", "a,b");
    }

    @Test
    void aParamWithoutADefaultIsRequiredAtTriggerTime() {
        Pipeline p = parse("pipeline: p\nparams: {day: {type: date}, n: 1}\n" + TASKS);

        assertThat(p.paramsFor(Map.of("day", "2026-12-03")))
                .containsExactly(Map.entry("day", "2026-12-03"), Map.entry("n", "1"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.paramsFor(Map.of("n", 2)))
                .hasMessage("pipeline 'p' needs a value for param 'day': it has no default");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.paramsFor(Map.of("nn", 2)))
                .hasMessage("unknown param 'nn': pipeline 'p' declares [day, n]");
    }

    @Test
    void aScheduledPipelineNeedsADefaultForEveryParam() {
        assertThat(fixture.problems("""
                pipeline: p
                schedule: {cron: "@daily"}
                params: {day: {type: date}}
                """ + TASKS))
                .containsExactly(fixture.problem(
                        3,
                        1,
                        "param 'day' has no default, but scheduled runs "
                                + "need one: give it a default, or remove the schedule"));
    }

    @Test
    void namesMustBeLowercaseIdentifiersAndNotBuiltIns() {
        assertThat(fixture.problems("""
                pipeline: p
                params: {Min-Age: 1, 1st: 2, "a b": 3, ds: 4, ok_1: 5}
                """ + TASKS))
                .containsExactly(
                        fixture.problem(
                                2,
                                10,
                                "invalid param name 'Min-Age': lowercase letters, digits and _, not starting "
                                        + "with a digit (SQL names it as the parameter marker :Min-Age)"),
                        fixture.problem(
                                2,
                                22,
                                "invalid param name '1st': lowercase letters, digits and _, not starting "
                                        + "with a digit (SQL names it as the parameter marker :1st)"),
                        fixture.problem(
                                2,
                                30,
                                "invalid param name 'a b': lowercase letters, digits and _, not starting "
                                        + "with a digit (SQL names it as the parameter marker :a b)"),
                        fixture.problem(
                                2,
                                40,
                                "param name 'ds' is taken: ds, logical_time, run_id and pipeline are "
                                        + "built-in template names and SQL parameter markers"));
    }

    @Test
    void declarationsAreCheckedWhereTheyAreWritten() {
        assertThat(fixture.problems("""
                pipeline: p
                params:
                  a: {type: integer}
                  b: {type: int, default: "21 "}
                  c: {type: enum}
                  d: {type: int, pattern: "[0-9]+"}
                  e: {type: string, pattern: "[a-z"}
                  f: {type: string, default: EU, pattern: "[a-z]+"}
                  g: {type: string, default: abc, max_length: 2}
                  h: {type: list, default: [a, "b,c"]}
                  i: {default: 1}
                """ + TASKS))
                .containsExactly(
                        fixture.problem(
                                3,
                                13,
                                "params.a: unknown type 'integer' (use one of int, long, double, boolean, "
                                        + "date, timestamp, string, enum, list)"),
                        fixture.problem(4, 27, "default: param 'b' must be an int, got \"21 \""),
                        fixture.problem(5, 6, "params.c: an enum lists its values, e.g. values: [eu, us]"),
                        fixture.problem(
                                6,
                                18,
                                "pattern: only a param of type list or string takes pattern (this one is " + "int)"),
                        fixture.problem(7, 30, "params.e.pattern: not a regular expression: Unclosed character class"),
                        fixture.problem(8, 30, "default: param 'f' must match the pattern [a-z]+, got \"EU\""),
                        fixture.problem(9, 30, "default: param 'g' is 3 characters long; at most 2 are allowed"),
                        fixture.problem(
                                10, 32, "params.h: list items cannot hold ',' (the run history joins them with it)"),
                        fixture.problem(11, 6, "missing required key 'type' in param 'i'"));
    }

    @Test
    void aParamInInlineSqlIsRefusedNamingTheMarkerToUse() {
        assertThat(fixture.problems("""
                pipeline: p
                params: {min_age: 21, region: eu}
                tasks:
                  - id: a
                    sql: SELECT * FROM {{ params.region }} WHERE age > {{params.min_age}} AND d = '{{ ds }}'
                """))
                .containsExactly(
                        fixture.problem(
                                5,
                                10,
                                "{{ params.region }} is not allowed in SQL: use the parameter marker :region "
                                        + "(and IDENTIFIER(:region) for a table name)"),
                        fixture.problem(
                                5,
                                10,
                                "{{ params.min_age }} is not allowed in SQL: use the parameter marker "
                                        + ":min_age (and IDENTIFIER(:min_age) for a table name)"));
    }

    @Test
    void aParamInAnSqlFileIsRefusedWithItsLine() {
        TestFiles.write(dir, "sql/q.sql", "SELECT *\nFROM t\nWHERE d = '{{ ds }}'\n  AND age > {{ params.min_age }}\n");

        assertThat(fixture.problems("""
                pipeline: p
                params: {min_age: 21}
                tasks:
                  - id: a
                    sql_file: sql/q.sql
                """))
                .containsExactly(
                        fixture.problem(
                                5,
                                15,
                                "sql/q.sql line 4: {{ params.min_age }} is not "
                                        + "allowed in SQL: use the parameter marker :min_age (and IDENTIFIER(:min_age) for a table name)"));
    }

    @Test
    void paramsStayAllowedOutsideSql() {
        Pipeline p = parse("""
                pipeline: p
                params: {region: eu, day: 2026-12-03}
                tasks:
                  - id: a
                    sql: SELECT :region AS region, :day AS day
                    inputs: {v: {format: csv, path: "in/{{ params.region }}", options: {sep: "{{ params.region }}"}}}
                    output: {format: csv, path: "out/{{ params.region }}/{{ params.day }}"}
                  - id: b
                    class: com.example.Job
                    args: {region: "{{ params.region }}"}
                """);

        assertThat(p.tasks()).hasSize(2);
    }

    @Test
    void anUnclosedPlaceholderIsReported() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    sql: SELECT '{{ ds }}', '{{ ds'
                """))
                .containsExactly(fixture.problem(4, 10, "'{{' opens a template placeholder that no '}}' closes"));
    }
}
