package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The task graph: ids, dependencies and cycles. */
class PipelineParserGraphTest {

    @TempDir
    Path dir;

    private ParserFixture fixture;

    @BeforeEach
    void fixture() {
        fixture = new ParserFixture(dir, ParserOptions.lenient());
    }

    @Test
    void duplicateTaskIdsPointAtTheSecondAndNameTheFirstLine() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: load
                    sql: SELECT 1
                  - id: other
                    sql: SELECT 1
                  - id: load
                    sql: SELECT 2
                """))
                .containsExactly(fixture.problem(7, 9, "duplicate task id 'load' (first defined at line 3)"));
    }

    @Test
    void unknownDependenciesAreReportedAtTheEntry() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: extract
                    sql: SELECT 1
                  - id: load
                    depends_on: [extrct, missing]
                    sql: SELECT 1
                """))
                .containsExactly(
                        fixture.problem(6, 18, "unknown dependency 'extrct' of task 'load'; did you mean 'extract'?"),
                        fixture.problem(6, 26, "unknown dependency 'missing' of task 'load'"));
    }

    @Test
    void aTaskMustNotDependOnItself() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    depends_on:
                      - a
                    sql: SELECT 1
                """)).containsExactly(fixture.problem(5, 9, "task 'a' depends on itself"));
    }

    @Test
    void aCycleIsNamedFromItsFirstTaskInTheFile() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: a
                    depends_on: [c]
                    sql: SELECT 1
                  - id: b
                    depends_on: [a]
                    sql: SELECT 1
                  - id: c
                    depends_on: [b]
                    sql: SELECT 1
                """))
                .containsExactly(
                        fixture.problem(4, 18, "dependency cycle: a -> c -> b -> a (each task depends on the next)"));
    }

    @Test
    void tasksDownstreamOfACycleAreNotReportedAsCycles() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - id: start
                    sql: SELECT 1
                  - id: after
                    depends_on: [x]
                    sql: SELECT 1
                  - id: x
                    depends_on: [start, y]
                    sql: SELECT 1
                  - id: y
                    depends_on: [x]
                    sql: SELECT 1
                """))
                .containsExactly(
                        fixture.problem(9, 25, "dependency cycle: x -> y -> x (each task depends on the next)"));
    }

    @Test
    void separateCyclesAreEachReported() {
        assertThat(fixture.problems("""
                pipeline: p
                tasks:
                  - {id: a, depends_on: [b], sql: SELECT 1}
                  - {id: b, depends_on: [a], sql: SELECT 1}
                  - {id: c, depends_on: [d], sql: SELECT 1}
                  - {id: d, depends_on: [c], sql: SELECT 1}
                """))
                .containsExactly(
                        fixture.problem(3, 26, "dependency cycle: a -> b -> a (each task depends on the next)"),
                        fixture.problem(5, 26, "dependency cycle: c -> d -> c (each task depends on the next)"));
    }

    @Test
    void aDiamondIsNotACycle() {
        ParseResult result = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), """
                pipeline: p
                tasks:
                  - {id: top, sql: SELECT 1}
                  - {id: left, depends_on: [top], sql: SELECT 1}
                  - {id: right, depends_on: [top], sql: SELECT 1}
                  - {id: bottom, depends_on: [left, right, left], sql: SELECT 1}
                """);

        assertThat(result.problems()).isEmpty();
        assertThat(result.pipeline().orElseThrow().task("bottom").orElseThrow().dependsOn())
                .containsExactly("left", "right");
    }

    @Test
    void aLongChainIsCheckedWithoutDeepRecursion() {
        StringBuilder yaml = new StringBuilder("pipeline: p\ntasks:\n  - {id: t0, depends_on: [t4999], sql: x}\n");
        for (int i = 1; i < 5000; i++) {
            yaml.append("  - {id: t")
                    .append(i)
                    .append(", depends_on: [t")
                    .append(i - 1)
                    .append("], sql: x}\n");
        }

        assertThat(fixture.problems(yaml.toString())).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message())
                    .startsWith("dependency cycle: t0 -> t4999 -> t4998 -> ")
                    .endsWith(" -> t1 -> t0 (each task depends on the next)");
        });
    }
}
