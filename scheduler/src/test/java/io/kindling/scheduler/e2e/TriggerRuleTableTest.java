package io.kindling.scheduler.e2e;

import static io.kindling.dsl.TriggerRule.ALL_DONE;
import static io.kindling.dsl.TriggerRule.ALL_FAILED;
import static io.kindling.dsl.TriggerRule.ALL_SUCCESS;
import static io.kindling.dsl.TriggerRule.NONE_FAILED;
import static io.kindling.dsl.TriggerRule.ONE_FAILED;
import static io.kindling.dsl.TriggerRule.ONE_SUCCESS;
import static io.kindling.scheduler.e2e.TriggerRuleTableTest.Upstream.FAILED;
import static io.kindling.scheduler.e2e.TriggerRuleTableTest.Upstream.LATE_SKIPPED;
import static io.kindling.scheduler.e2e.TriggerRuleTableTest.Upstream.SKIPPED;
import static io.kindling.scheduler.e2e.TriggerRuleTableTest.Upstream.SUCCESS;
import static io.kindling.scheduler.e2e.TriggerRuleTableTest.Upstream.UPSTREAM_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.dsl.TriggerRule;
import io.kindling.executor.spark.SparkTask;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.support.FailingTask;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.SucceedingTask;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every trigger rule against every upstream outcome, end to end, in the style of Airflow's trigger-rule tests:
 * the real daemon runs pipelines generated from {@link #TABLE}, and each task's recorded state must be the
 * table's. {@code TriggerRulesTest} covers the decision itself; this covers the engine around it (counting
 * how upstream tasks ended, deciding early, ending tasks without an attempt, the run's state).
 *
 * <p>Two pipelines, one run each: {@code trigger_rules} has every row; {@code trigger_rules_green} only the
 * rows that end SUCCEEDED or SKIPPED, so that the run-state rule is seen both ways.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class TriggerRuleTableTest {

    /**
     * The upstream tasks the table's tasks depend on, declared in the order they end: each waits for one
     * declared before it (SKIPPED and UPSTREAM_FAILED end in the same engine step as the task they wait for,
     * the others need an attempt). So a table task below a failed and a skipped task always learns of them in
     * a known order, and the rows show that the order does not change the outcome.
     */
    enum Upstream {
        SUCCESS(TaskState.SUCCEEDED, ALL_SUCCESS, SucceedingTask.class, null),
        // all_failed below a success can never run
        SKIPPED(TaskState.SKIPPED, ALL_FAILED, SucceedingTask.class, "up_success"),
        // all_done runs after a skipped task, and then fails
        FAILED(TaskState.FAILED, ALL_DONE, FailingTask.class, "up_skipped"),
        // all_success below a failure can never run
        UPSTREAM_FAILED(TaskState.UPSTREAM_FAILED, ALL_SUCCESS, SucceedingTask.class, "up_failed"),
        // only there so that LATE_SKIPPED ends after FAILED
        AFTER_FAILED(TaskState.SUCCEEDED, ALL_DONE, SucceedingTask.class, "up_failed"),
        LATE_SKIPPED(TaskState.SKIPPED, ALL_FAILED, SucceedingTask.class, "up_after_failed");

        final TaskState ends;
        final TriggerRule rule;
        final Class<? extends SparkTask> body;
        final List<String> dependsOn;

        Upstream(TaskState ends, TriggerRule rule, Class<? extends SparkTask> body, String dependsOn) {
            this.ends = ends;
            this.rule = rule;
            this.body = body;
            this.dependsOn = dependsOn == null ? List.of() : List.of(dependsOn);
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        String taskId() {
            return "up_" + label();
        }
    }

    /** A task with {@code rule} below {@code upstream} (in the order they end) ends {@code expected}. */
    record Row(TriggerRule rule, List<Upstream> upstream, TaskState expected) {
        String taskId() {
            return rule.yamlName() + "__"
                    + upstream.stream().map(Upstream::label).collect(Collectors.joining("__"));
        }

        /** Whether the row is in trigger_rules_green, whose run must succeed. */
        boolean green() {
            return expected == TaskState.SUCCEEDED || expected == TaskState.SKIPPED;
        }

        @Override
        public String toString() {
            return rule.yamlName() + " after "
                    + upstream.stream().map(Upstream::label).toList() + " -> " + expected;
        }
    }

    private static Row row(TriggerRule rule, List<Upstream> upstream, String expected) {
        return new Row(rule, upstream, TaskState.valueOf(expected));
    }

    // A task that runs executes SucceedingTask, so "runs" reads SUCCEEDED.
    static final List<Row> TABLE = List.of(
            // one upstream task: every rule against every outcome
            row(ALL_SUCCESS, List.of(SUCCESS), "SUCCEEDED"),
            row(ALL_SUCCESS, List.of(FAILED), "UPSTREAM_FAILED"),
            row(ALL_SUCCESS, List.of(SKIPPED), "SKIPPED"),
            row(ALL_SUCCESS, List.of(UPSTREAM_FAILED), "UPSTREAM_FAILED"),
            row(ALL_DONE, List.of(SUCCESS), "SUCCEEDED"),
            row(ALL_DONE, List.of(FAILED), "SUCCEEDED"),
            row(ALL_DONE, List.of(SKIPPED), "SUCCEEDED"),
            row(ALL_DONE, List.of(UPSTREAM_FAILED), "SUCCEEDED"),
            row(ALL_FAILED, List.of(SUCCESS), "SKIPPED"),
            row(ALL_FAILED, List.of(FAILED), "SUCCEEDED"),
            row(ALL_FAILED, List.of(SKIPPED), "SKIPPED"),
            row(ALL_FAILED, List.of(UPSTREAM_FAILED), "SUCCEEDED"),
            row(ONE_SUCCESS, List.of(SUCCESS), "SUCCEEDED"),
            row(ONE_SUCCESS, List.of(FAILED), "UPSTREAM_FAILED"),
            row(ONE_SUCCESS, List.of(SKIPPED), "SKIPPED"),
            row(ONE_SUCCESS, List.of(UPSTREAM_FAILED), "UPSTREAM_FAILED"),
            row(ONE_FAILED, List.of(SUCCESS), "SKIPPED"),
            row(ONE_FAILED, List.of(FAILED), "SUCCEEDED"),
            row(ONE_FAILED, List.of(SKIPPED), "SKIPPED"),
            row(ONE_FAILED, List.of(UPSTREAM_FAILED), "SUCCEEDED"),
            row(NONE_FAILED, List.of(SUCCESS), "SUCCEEDED"),
            row(NONE_FAILED, List.of(FAILED), "UPSTREAM_FAILED"),
            row(NONE_FAILED, List.of(SKIPPED), "SUCCEEDED"),
            row(NONE_FAILED, List.of(UPSTREAM_FAILED), "UPSTREAM_FAILED"),

            // two upstream tasks, in the order they end
            row(ALL_SUCCESS, List.of(SUCCESS, SKIPPED), "SKIPPED"),
            row(ALL_DONE, List.of(SUCCESS, SKIPPED), "SUCCEEDED"),
            row(ALL_FAILED, List.of(SUCCESS, SKIPPED), "SKIPPED"),
            row(ONE_SUCCESS, List.of(SUCCESS, SKIPPED), "SUCCEEDED"),
            row(ONE_FAILED, List.of(SUCCESS, SKIPPED), "SKIPPED"),
            row(NONE_FAILED, List.of(SUCCESS, SKIPPED), "SUCCEEDED"),
            row(ALL_SUCCESS, List.of(SUCCESS, FAILED), "UPSTREAM_FAILED"),
            row(ALL_DONE, List.of(SUCCESS, FAILED), "SUCCEEDED"),
            row(ALL_FAILED, List.of(SUCCESS, FAILED), "SKIPPED"),
            row(ONE_SUCCESS, List.of(SUCCESS, FAILED), "SUCCEEDED"),
            row(ONE_FAILED, List.of(SUCCESS, FAILED), "SUCCEEDED"),
            row(NONE_FAILED, List.of(SUCCESS, FAILED), "UPSTREAM_FAILED"),
            row(ALL_FAILED, List.of(FAILED, UPSTREAM_FAILED), "SUCCEEDED"),
            row(ALL_SUCCESS, List.of(FAILED, UPSTREAM_FAILED), "UPSTREAM_FAILED"),
            row(ALL_DONE, List.of(FAILED, UPSTREAM_FAILED), "SUCCEEDED"),
            row(ONE_SUCCESS, List.of(FAILED, UPSTREAM_FAILED), "UPSTREAM_FAILED"),
            row(ONE_FAILED, List.of(FAILED, UPSTREAM_FAILED), "SUCCEEDED"),
            row(NONE_FAILED, List.of(FAILED, UPSTREAM_FAILED), "UPSTREAM_FAILED"),

            // failed and skipped, in both orders: a failure wins over a skip, whichever ends first
            row(ALL_SUCCESS, List.of(SKIPPED, FAILED), "UPSTREAM_FAILED"),
            row(ALL_SUCCESS, List.of(FAILED, LATE_SKIPPED), "UPSTREAM_FAILED"),
            row(ALL_SUCCESS, List.of(SKIPPED, UPSTREAM_FAILED), "UPSTREAM_FAILED"),
            row(ALL_SUCCESS, List.of(UPSTREAM_FAILED, LATE_SKIPPED), "UPSTREAM_FAILED"),
            row(ALL_DONE, List.of(SKIPPED, FAILED), "SUCCEEDED"),
            row(ALL_DONE, List.of(FAILED, LATE_SKIPPED), "SUCCEEDED"),
            row(ALL_DONE, List.of(SKIPPED, UPSTREAM_FAILED), "SUCCEEDED"),
            row(ALL_DONE, List.of(UPSTREAM_FAILED, LATE_SKIPPED), "SUCCEEDED"),
            row(ALL_FAILED, List.of(SKIPPED, FAILED), "SKIPPED"),
            row(ALL_FAILED, List.of(FAILED, LATE_SKIPPED), "SKIPPED"),
            row(ALL_FAILED, List.of(SKIPPED, UPSTREAM_FAILED), "SKIPPED"),
            row(ALL_FAILED, List.of(UPSTREAM_FAILED, LATE_SKIPPED), "SKIPPED"),
            row(ONE_SUCCESS, List.of(SKIPPED, FAILED), "UPSTREAM_FAILED"),
            row(ONE_SUCCESS, List.of(FAILED, LATE_SKIPPED), "UPSTREAM_FAILED"),
            row(ONE_SUCCESS, List.of(SKIPPED, UPSTREAM_FAILED), "UPSTREAM_FAILED"),
            row(ONE_SUCCESS, List.of(UPSTREAM_FAILED, LATE_SKIPPED), "UPSTREAM_FAILED"),
            row(ONE_FAILED, List.of(SKIPPED, FAILED), "SUCCEEDED"),
            row(ONE_FAILED, List.of(FAILED, LATE_SKIPPED), "SUCCEEDED"),
            row(ONE_FAILED, List.of(SKIPPED, UPSTREAM_FAILED), "SUCCEEDED"),
            row(ONE_FAILED, List.of(UPSTREAM_FAILED, LATE_SKIPPED), "SUCCEEDED"),
            row(NONE_FAILED, List.of(SKIPPED, FAILED), "UPSTREAM_FAILED"),
            row(NONE_FAILED, List.of(FAILED, LATE_SKIPPED), "UPSTREAM_FAILED"),
            row(NONE_FAILED, List.of(SKIPPED, UPSTREAM_FAILED), "UPSTREAM_FAILED"),
            row(NONE_FAILED, List.of(UPSTREAM_FAILED, LATE_SKIPPED), "UPSTREAM_FAILED"));

    private static final String FULL = "trigger_rules";
    private static final String GREEN = "trigger_rules_green";

    // The pipelines are written before the app starts: it loads its pipelines folder once, at start.
    private static final KindlingApp APP = writePipelines(KindlingApp.create(false));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    private static JsonNode fullRun;
    private static JsonNode greenRun;

    /** Both runs at once: the table's tasks do no Spark work, so the time goes to starting Spark. */
    @BeforeAll
    static void runEachPipelineOnce() {
        String full = trigger(FULL);
        String green = trigger(GREEN);
        fullRun = awaitRunEnds(full);
        greenRun = awaitRunEnds(green);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void taskEndsAsTheTableSays(Row row) {
        assertEnds(fullRun, row.taskId(), row.expected(), row.toString());
        if (row.green()) {
            assertEnds(greenRun, row.taskId(), row.expected(), row.toString());
        }
    }

    static List<Row> table() {
        return TABLE;
    }

    @ParameterizedTest
    @EnumSource(Upstream.class)
    void upstreamTaskEndsAsIntended(Upstream up) {
        String what = up.rule.yamlName() + " after " + up.dependsOn + " (an upstream task of the table)";
        assertEnds(fullRun, up.taskId(), up.ends, what);
        assertEnds(greenRun, up.taskId(), up.ends, what);
    }

    @Test
    void eachRunHasExactlyTheTasksOfItsPipeline() {
        assertThat(tasksById(fullRun).keySet()).isEqualTo(dependsOn(FULL).keySet());
        assertThat(tasksById(greenRun).keySet()).isEqualTo(dependsOn(GREEN).keySet());
    }

    @Test
    void aRunWithALeafThatNeitherSucceededNorWasSkippedFails() {
        assertThat(fullRun.get("state").asText()).isEqualTo("FAILED").isEqualTo(stateByLeaves(fullRun, FULL));
        // only FAILED and TIMED_OUT tasks are named, not the UPSTREAM_FAILED leaves
        assertThat(fullRun.get("error").asText()).isEqualTo("failed tasks: [up_failed FAILED]");
    }

    @Test
    void aRunWhoseLeavesAllSucceededOrWereSkippedSucceedsEvenWithAFailedTaskInside() {
        assertThat(tasksById(greenRun).get("up_failed").get("state").asText()).isEqualTo("FAILED");
        assertThat(greenRun.get("state").asText()).isEqualTo("SUCCEEDED").isEqualTo(stateByLeaves(greenRun, GREEN));
        assertThat(greenRun.has("error")).isFalse();
    }

    /** Guards the table itself: nothing missing, nothing twice (a repeated id would not even load). */
    @Test
    void tableHasEveryRuleAgainstEverySingleOutcomeAndNoRowTwice() {
        Set<String> ids = new HashSet<>();
        for (Row row : TABLE) {
            assertThat(ids.add(row.taskId()))
                    .as("row %s is in the table twice", row)
                    .isTrue();
        }
        for (TriggerRule rule : TriggerRule.values()) {
            for (Upstream up : List.of(SUCCESS, FAILED, SKIPPED, UPSTREAM_FAILED)) {
                assertThat(ids)
                        .as("a row for %s after [%s]", rule.yamlName(), up.label())
                        .contains(new Row(rule, List.of(up), TaskState.SUCCEEDED).taskId());
            }
        }
    }

    private static void assertEnds(JsonNode run, String taskId, TaskState expected, String what) {
        JsonNode task = tasksById(run).get(taskId);
        String where = "task " + taskId + " (" + what + ") in run "
                + run.get("run_id").asText() + " of " + run.get("pipeline").asText();
        assertThat(task).as(where + ": not recorded").isNotNull();
        assertThat(task.get("state").asText())
                .as(where + ", recorded reason: "
                        + (task.has("error") ? task.get("error").asText() : "none"))
                .isEqualTo(expected.name());
        // a task the rule let run has exactly one attempt; one that could never run has none
        assertThat(task.get("attempts"))
                .as(where + ": attempts")
                .hasSize(expected == TaskState.SKIPPED || expected == TaskState.UPSTREAM_FAILED ? 0 : 1);
    }

    /** docs/semantics.md's rule, from the recorded states: SUCCEEDED iff every leaf task SUCCEEDED or was SKIPPED. */
    private static String stateByLeaves(JsonNode run, String pipeline) {
        Map<String, List<String>> dependsOn = dependsOn(pipeline);
        Set<String> leaves = new HashSet<>(dependsOn.keySet());
        dependsOn.values().forEach(leaves::removeAll);
        Map<String, JsonNode> tasks = tasksById(run);
        boolean ok = leaves.stream()
                .map(id -> tasks.get(id).get("state").asText())
                .allMatch(s -> s.equals("SUCCEEDED") || s.equals("SKIPPED"));
        return ok ? "SUCCEEDED" : "FAILED";
    }

    // --- the generated pipelines

    private static List<Row> rows(String pipeline) {
        return pipeline.equals(GREEN) ? TABLE.stream().filter(Row::green).toList() : TABLE;
    }

    /** Every task of a generated pipeline with its upstream task ids, in file order. */
    private static Map<String, List<String>> dependsOn(String pipeline) {
        Map<String, List<String>> tasks = new LinkedHashMap<>();
        for (Upstream up : Upstream.values()) {
            tasks.put(up.taskId(), up.dependsOn);
        }
        for (Row row : rows(pipeline)) {
            tasks.put(
                    row.taskId(), row.upstream().stream().map(Upstream::taskId).toList());
        }
        return tasks;
    }

    /** Into the app's pipelines folder, before the app starts. */
    private static KindlingApp writePipelines(KindlingApp app) {
        try {
            Path dir = app.workDir.resolve("pipelines");
            Files.writeString(dir.resolve(FULL + ".yml"), yaml(FULL, "every row of TriggerRuleTableTest"));
            Files.writeString(
                    dir.resolve(GREEN + ".yml"),
                    yaml(GREEN, "the rows of TriggerRuleTableTest that end SUCCEEDED or SKIPPED"));
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String yaml(String pipeline, String description) {
        StringBuilder yaml =
                new StringBuilder("pipeline: " + pipeline + "\ndescription: " + description + " (generated)\ntasks:\n");
        for (Upstream up : Upstream.values()) {
            task(yaml, up.taskId(), up.dependsOn, up.rule, up.body);
        }
        for (Row row : rows(pipeline)) {
            task(
                    yaml,
                    row.taskId(),
                    row.upstream().stream().map(Upstream::taskId).toList(),
                    row.rule(),
                    SucceedingTask.class);
        }
        return yaml.toString();
    }

    private static void task(
            StringBuilder yaml, String id, List<String> dependsOn, TriggerRule rule, Class<? extends SparkTask> body) {
        yaml.append("  - id: ").append(id).append('\n');
        if (!dependsOn.isEmpty()) {
            yaml.append("    depends_on: [")
                    .append(String.join(", ", dependsOn))
                    .append("]\n");
        }
        yaml.append("    trigger_rule: ").append(rule.yamlName()).append('\n');
        yaml.append("    class: ").append(body.getName()).append('\n');
    }

    // --- HTTP

    private static JsonNode get(String path) {
        return EXTENSION
                .client()
                .target(APP.api(path))
                .request(MediaType.APPLICATION_JSON)
                .get(JsonNode.class);
    }

    private static String trigger(String pipeline) {
        Response response = EXTENSION
                .client()
                .target(APP.api("/pipelines/" + pipeline + "/runs"))
                .request(MediaType.APPLICATION_JSON)
                .post(Entity.json(Map.of()));
        // a generated pipeline that did not load is a 404 here; its problems are in the pipeline list
        assertThat(response.getStatus())
                .as("trigger %s; pipeline list: %s", pipeline, get("/pipelines"))
                .isEqualTo(201);
        return response.readEntity(JsonNode.class).get("run_id").asText();
    }

    private static JsonNode awaitRunEnds(String runId) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(get("/runs/" + runId).get("state").asText()));
        return get("/runs/" + runId);
    }

    private static Map<String, JsonNode> tasksById(JsonNode run) {
        Map<String, JsonNode> tasks = new LinkedHashMap<>();
        run.get("tasks").forEach(t -> tasks.put(t.get("task_id").asText(), t));
        return tasks;
    }
}
