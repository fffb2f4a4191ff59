package io.kindling.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.model.TaskState;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a repair runs again, from the DAG and the recorded states alone: no engine, no database. */
class RepairPlanTest {
    private static final Dag DAG = Dag.of(pipeline("""
            pipeline: repair
            tasks:
              - {id: a, sql: SELECT 1 AS x}
              - {id: b, sql: SELECT 1 AS x, depends_on: [a]}
              - {id: c, sql: SELECT 1 AS x, depends_on: [b]}
              - {id: d, sql: SELECT 1 AS x}
              - {id: e, sql: SELECT 1 AS x, depends_on: [d]}
              - {id: f, sql: SELECT 1 AS x, depends_on: [a]}
            """));

    private static Pipeline pipeline(String yaml) {
        ParseResult parsed = new PipelineParser(ParserOptions.lenient()).parse(Path.of("p.yml"), yaml);
        return parsed.pipeline().orElseThrow(() -> new AssertionError(parsed.problems()));
    }

    @Test
    void failedTasksNewTasksAndEverythingDownstreamRunAgain() {
        RepairPlan plan = RepairPlan.of(
                DAG,
                Map.of(
                        "a",
                        TaskState.SUCCEEDED,
                        "b",
                        TaskState.FAILED,
                        "c",
                        TaskState.UPSTREAM_FAILED,
                        "d",
                        TaskState.SKIPPED,
                        "f",
                        TaskState.SUCCEEDED));
        assertThat(plan.rerun()).containsExactly("b", "c", "e");
        assertThat(plan.newTasks()).containsExactly("e");
        assertThat(plan.empty()).isFalse();
    }

    @Test
    void aTimedOutOrCancelledTaskTakesItsSucceededDependentsAlong() {
        RepairPlan plan = RepairPlan.of(
                DAG,
                Map.of(
                        "a",
                        TaskState.TIMED_OUT,
                        "b",
                        TaskState.SUCCEEDED,
                        "c",
                        TaskState.SUCCEEDED,
                        "d",
                        TaskState.CANCELLED,
                        "e",
                        TaskState.SUCCEEDED,
                        "f",
                        TaskState.SUCCEEDED));
        assertThat(plan.rerun()).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(plan.newTasks()).isEmpty();
    }

    @Test
    void aRunThatSucceededOrSkippedEverywhereHasNothingToRepair() {
        RepairPlan plan = RepairPlan.of(
                DAG,
                Map.of(
                        "a",
                        TaskState.SUCCEEDED,
                        "b",
                        TaskState.SKIPPED,
                        "c",
                        TaskState.SKIPPED,
                        "d",
                        TaskState.SUCCEEDED,
                        "e",
                        TaskState.SUCCEEDED,
                        "f",
                        TaskState.SUCCEEDED));
        assertThat(plan.empty()).isTrue();
        assertThat(plan.newTasks()).isEmpty();
    }
}
