package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code for_each:} tasks: what is read, what each iteration renders, and the problems at their lines. */
class PipelineParserForEachTest {

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
    void readsItemsConcurrencyAndTheNestedTaskWithTheForEachsSettingsAsItsDefaults() {
        Pipeline p = parse("""
                pipeline: p
                defaults: {retries: 1}
                tasks:
                  - id: list
                    sql: SELECT 1
                    values: {names: "SELECT array('a')"}
                  - id: each
                    depends_on: [list]
                    timeout: 5m
                    for_each:
                      items: "{{ tasks.list.values.names }}"
                      concurrency: 4
                      task:
                        retries: 3
                        sql: SELECT :item
                        output: {format: json, path: "out/{{ item }}"}
                  - id: literal
                    for_each:
                      items: [1, two, {k: true}, null, 2.5]
                      task: {class: com.example.Task, args: {x: "{{ item.k }}"}}
                """);

        Task each = p.tasks().get(1);
        TaskBody.ForEach body = (TaskBody.ForEach) each.body();
        assertThat(body.items()).contains("{{ tasks.list.values.names }}");
        assertThat(body.concurrency()).isEqualTo(4);
        assertThat(body.maxIterations()).isEqualTo(ParserOptions.DEFAULT_MAX_ITERATIONS);
        assertThat(body.task().retry().retries()).isEqualTo(3);
        assertThat(body.task().timeout()).as("from the for-each task").contains(Duration.ofMinutes(5));
        assertThat(each.retry()).as("the for-each itself is not retried").isEqualTo(RetryPolicy.NONE);
        assertThat(each.timeout()).isEmpty();
        assertThat(each.readsValuesOf()).containsExactly("list");
        TaskBody.ForEach literal = (TaskBody.ForEach) p.tasks().get(2).body();
        assertThat(literal.concurrency()).isEqualTo(1);
        assertThat(literal.literal()).containsExactly(1L, "two", Map.of("k", true), null, 2.5);
        assertThat(literal.task().retry().retries()).as("from defaults").isEqualTo(1);
    }

    @Test
    void readsABodyOfSeveralTasksWithTheirDependenciesAndNamesTheirIterationRuns() {
        Pipeline p = parse("""
                pipeline: p
                tasks:
                  - id: each
                    for_each:
                      items: [a, b]
                      tasks:
                        - {id: extract, sql: SELECT :item}
                        - {id: load, depends_on: [extract], trigger_rule: all_done, class: com.example.Load}
                """);
        TaskBody.ForEach body = (TaskBody.ForEach) p.tasks().get(0).body();

        assertThat(body.several()).isTrue();
        assertThat(body.tasks()).extracting(Task::id).containsExactly("extract", "load");
        assertThat(body.tasks().get(1).dependsOn()).containsExactly("extract");
        assertThat(body.tasks().get(1).triggerRule()).isEqualTo(TriggerRule.ALL_DONE);
        assertThat(body.iterationId("each", 3, body.tasks().get(1))).isEqualTo("each[3].load");
    }

    @Test
    void aBodyOfSeveralTasksWithACycleAnUnknownDependencyOrADuplicateIdIsAnError() {
        List<Problem> problems = fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    for_each:
                      items: [1]
                      tasks:
                        - {id: x, sql: SELECT 1, depends_on: [y]}
                        - {id: y, sql: SELECT 1, depends_on: [x]}
                  - id: b
                    for_each:
                      items: [1]
                      tasks:
                        - {id: x, sql: SELECT 1, depends_on: [a]}
                        - {id: x, sql: SELECT 1}
                  - id: c
                    for_each: {items: [1], task: {sql: SELECT 1}, tasks: [{id: x, sql: SELECT 1}]}
                """);

        assertThat(problems).anySatisfy(at(7, "the tasks form a cycle: x -> y -> x"));
        assertThat(problems).anySatisfy(at(13, "depends_on: no task 'a' in this for_each's tasks"));
        assertThat(problems).anySatisfy(at(14, "duplicate task id 'x'"));
        assertThat(problems).anySatisfy(at(16, "give task: (one task per item) or tasks: (several), not both"));
    }

    @Test
    void itemsEvaluateToTheNamedListAndAnIterationBindsItsItem() {
        Pipeline p = parse("""
                pipeline: p
                params: {tables: {type: list, default: "a,b"}}
                tasks:
                  - id: each
                    for_each:
                      items: "{{ params.tables }}"
                      task:
                        sql: SELECT * FROM IDENTIFIER(:item)
                        output: {format: json, path: "out/{{ item }}"}
                """);
        TemplateContext context = TemplateContext.of(p, "r1", Instant.EPOCH, ZoneOffset.UTC, Map.of());
        TaskBody.ForEach body = (TaskBody.ForEach) p.tasks().get(0).body();

        assertThat(body.items(context)).containsExactly("a", "b");
        TaskBody.Sql sql = (TaskBody.Sql) body.task().body().render(context.withItem("b"));
        assertThat(sql.args()).containsEntry("item", "b");
        assertThat(sql.sql()).isEqualTo("SELECT * FROM IDENTIFIER(:item)");
        assertThat(sql.output().orElseThrow().path()).isEqualTo("out/b");
        assertThatThrownBy(() -> body.task().body().render(context.withItem("../etc")))
                .hasMessageContaining("{{ item }} is used in a path and its value");
    }

    @Test
    void itemsThatAreNotAListOrTooManyAreRefusedNamingWhatTheyAre() {
        Pipeline p = parse("""
                pipeline: p
                tasks:
                  - id: list
                    sql: SELECT 1
                    values: {n: "SELECT 1"}
                  - id: each
                    depends_on: [list]
                    for_each: {items: "{{ tasks.list.values.n }}", task: {sql: SELECT :item}}
                """);
        TaskBody.ForEach body = (TaskBody.ForEach) p.tasks().get(1).body();
        TemplateContext context = TemplateContext.of(p, "r1", Instant.EPOCH, ZoneOffset.UTC, Map.of());

        assertThatThrownBy(() -> body.items(context.withTaskValues(Map.of("list", Map.of("n", 7L)))))
                .hasMessage(
                        "for_each.items: {{ tasks.list.values.n }} must evaluate to a list, but it is a number (7)");
        TaskBody.ForEach small = new TaskBody.ForEach(body.items(), List.of(), 1, body.task(), 2);
        assertThatThrownBy(() -> small.items(context.withTaskValues(Map.of("list", Map.of("n", List.of(1, 2, 3))))))
                .hasMessageContaining("has 3 items, more than the 2 iterations a for_each may have");
    }

    @Test
    void badForEachesAreErrorsAtTheirLines() {
        List<Problem> problems = fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    for_each: {items: "a,b", task: {sql: SELECT 1}}
                  - id: b
                    for_each: {items: [1], concurrency: 0, task: {sql: "SELECT '{{ item }}'"}}
                  - id: c
                    sql: SELECT :item
                    output: {format: json, path: "out/{{ item }}"}
                  - id: d
                    for_each: {items: [1], task: {condition: {left: 1, op: ==, right: 1}}}
                  - id: e
                    for_each: {items: [1], task: {sql: SELECT 1, depends_on: [a]}, nope: 1}
                  - id: f
                    for_each: {task: {sql: SELECT 1}}
                  - id: g
                    for_each: {items: "{{ tasks.zz.values.x }}", task: {sql: SELECT 1}}
                  - id: fine
                    for_each: {items: [1], task: {sql: SELECT 1}}
                  - id: h
                    depends_on: [fine]
                    class: com.example.Task
                    args: {x: "{{ tasks.fine.values.n }}"}
                """);

        assertThat(problems).anySatisfy(at(4, "for_each.items: expected a list"));
        assertThat(problems).anySatisfy(at(6, "concurrency: must be at least 1, got 0"));
        assertThat(problems).anySatisfy(at(6, "{{ item }} is not allowed in SQL: use the parameter marker :item"));
        assertThat(problems).anySatisfy(at(9, "template variable 'item' is known only in the task of a for_each"));
        assertThat(problems).anySatisfy(at(8, "the parameter marker :item is bound only in the task of a for_each"));
        assertThat(problems).anySatisfy(at(11, "unknown key 'condition'"));
        assertThat(problems).anySatisfy(at(13, "unknown key 'depends_on'"));
        assertThat(problems).anySatisfy(at(13, "unknown key 'nope'"));
        assertThat(problems).anySatisfy(at(15, "items"));
        assertThat(problems).anySatisfy(at(17, "no task 'zz' in this pipeline"));
        assertThat(problems).anySatisfy(at(23, "task 'fine' is a for_each task, which publishes no values"));
    }

    @Test
    void aLiteralListOverTheLimitAndALongIdAreErrors() {
        ParserOptions two = new ParserOptions(
                Optional.empty(), Optional.empty(), "local", Optional.empty(), 5, Optional.empty(), 2);
        List<Problem> problems = new PipelineParser(two)
                .parse(dir.resolve("p.yml"), """
                        pipeline: p
                        tasks:
                          - id: a
                            for_each: {items: [1, 2, 3], task: {sql: SELECT 1}}
                          - id: %s
                            for_each: {items: [1], task: {sql: SELECT 1}}
                        """.formatted("x".repeat(57)))
                .problems();

        assertThat(problems).anySatisfy(at(4, "lists 3 items, more than the 2 iterations a for_each may have"));
        assertThat(problems).anySatisfy(at(6, "the id of a for_each task may have at most 56 characters"));
    }

    private static Consumer<Problem> at(int line, String text) {
        return p -> {
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains(text);
        };
    }
}
