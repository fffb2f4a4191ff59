package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import jakarta.ws.rs.core.MediaType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * run_pipeline tasks through HTTP on one daemon with local Spark: a parent that waits for its child and ends with it,
 * wait: false, params rendered and passed, the links both ways, a cancel and a timeout that cancel the child, a
 * repair that makes a new child, and the pipelines refused at load with file, line and field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunPipelineTest {
    private static final List<String> ENDED = List.of("SUCCEEDED", "FAILED", "CANCELLED");

    private KindlingApp app;
    private Http api;

    @BeforeAll
    void start() throws Exception {
        app = KindlingApp.create(false, "pipelines/run_pipeline").start();
        api = new Http(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private String trigger(String pipeline, Map<String, Object> params) {
        return api.post("/pipelines/" + pipeline + "/runs", Map.of("params", params), 201)
                .get("run_id")
                .asText();
    }

    private JsonNode awaitState(String runId, List<String> states) {
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() ->
                        states.contains(api.get("/runs/" + runId).get("state").asText()));
        return api.get("/runs/" + runId);
    }

    private static Map<String, JsonNode> tasks(JsonNode run) {
        Map<String, JsonNode> tasks = new LinkedHashMap<>();
        run.get("tasks").forEach(t -> tasks.put(t.get("task_id").asText(), t));
        return tasks;
    }

    /** The run the task's last attempt made, as the parent's view shows it. */
    private static JsonNode child(JsonNode parent, String task) {
        return tasks(parent).get(task).get("child_run");
    }

    @Test
    void aParentWaitsForItsChildAndSucceedsWithItParamsPassedAndLinkedBothWays() {
        String parentId = trigger("parent", Map.of("base", 41));
        JsonNode parent = awaitState(parentId, ENDED);

        assertThat(parent.get("state").asText()).as(parent.toString()).isEqualTo("SUCCEEDED");
        JsonNode go = tasks(parent).get("go");
        assertThat(go.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode attempt = go.get("attempts").get(0);
        assertThat(attempt.get("executor").asText()).isEqualTo("scheduler"); // no executor slot
        JsonNode link = attempt.get("child_run");
        assertThat(link.get("pipeline").asText()).isEqualTo("child");
        assertThat(link).isEqualTo(child(parent, "go"));
        assertThat(tasks(parent).get("after").get("state").asText()).isEqualTo("SUCCEEDED");

        JsonNode child = api.get("/runs/" + link.get("run_id").asText());
        assertThat(child.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(link.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(child.get("trigger").asText()).isEqualTo("pipeline");
        assertThat(child.get("logical_time").asText())
                .isEqualTo(parent.get("logical_time").asText());
        // the param templates were rendered with the parent's run
        assertThat(child.get("params").get("n").asText()).isEqualTo("41");
        assertThat(child.get("params").get("tag").asText()).isEqualTo("from-" + parentId);
        JsonNode up = child.get("parent_run");
        assertThat(up.get("pipeline").asText()).isEqualTo("parent");
        assertThat(up.get("run_id").asText()).isEqualTo(parentId);
        assertThat(up.get("task_id").asText()).isEqualTo("go");
        assertThat(up.get("attempt_id").asText())
                .isEqualTo(attempt.get("attempt_id").asText());
        assertThat(parent.has("parent_run")).isFalse();
        String log = app.extension
                .client()
                .target(app.api("/runs/" + parentId + "/tasks/go/log"))
                .request(MediaType.TEXT_PLAIN)
                .get(String.class);
        assertThat(log).contains("run " + link.get("run_id").asText() + " of pipeline child: waiting for it to end");
    }

    @Test
    void aParentFailsWhenItsChildFails() {
        JsonNode parent = awaitState(trigger("parent_fails", Map.of()), ENDED);

        assertThat(parent.get("state").asText()).isEqualTo("FAILED");
        JsonNode go = tasks(parent).get("go");
        assertThat(go.get("state").asText()).isEqualTo("FAILED");
        String childId = child(parent, "go").get("run_id").asText();
        assertThat(go.get("error").asText()).startsWith("run " + childId + " of pipeline 'child_fails' ended FAILED");
        assertThat(tasks(parent).get("after").get("state").asText()).isEqualTo("UPSTREAM_FAILED");
        assertThat(api.get("/runs/" + childId).get("state").asText()).isEqualTo("FAILED");
    }

    @Test
    void withoutWaitTheTaskSucceedsOnceTheChildIsCreated() throws Exception {
        JsonNode parent = awaitState(trigger("parent_nowait", Map.of()), ENDED);

        assertThat(parent.get("state").asText()).isEqualTo("SUCCEEDED");
        String childId = child(parent, "go").get("run_id").asText();
        // the child still waits for its file: the parent did not wait for it
        assertThat(awaitState(childId, List.of("RUNNING"))
                        .get("parent_run")
                        .get("run_id")
                        .asText())
                .isEqualTo(parent.get("run_id").asText());
        api.post("/runs/" + childId + "/cancel");
        assertThat(awaitState(childId, ENDED).get("state").asText()).isEqualTo("CANCELLED");
        assertThat(api.get("/runs/" + parent.get("run_id").asText())
                        .get("state")
                        .asText())
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void cancellingTheParentCancelsTheChild() {
        String parentId = trigger("parent_cancel", Map.of());
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> child(api.get("/runs/" + parentId), "go") != null);
        String childId = child(api.get("/runs/" + parentId), "go").get("run_id").asText();
        awaitState(childId, List.of("RUNNING"));

        api.post("/runs/" + parentId + "/cancel");

        JsonNode parent = awaitState(parentId, ENDED);
        assertThat(parent.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(tasks(parent).get("go").get("state").asText()).isEqualTo("CANCELLED");
        assertThat(awaitState(childId, ENDED).get("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void aParentTaskThatTimesOutCancelsTheChild() {
        JsonNode parent = awaitState(trigger("parent_timeout", Map.of()), ENDED);

        assertThat(parent.get("state").asText()).isEqualTo("FAILED");
        JsonNode go = tasks(parent).get("go");
        assertThat(go.get("state").asText()).isEqualTo("TIMED_OUT");
        assertThat(awaitState(child(parent, "go").get("run_id").asText(), ENDED)
                        .get("state")
                        .asText())
                .isEqualTo("CANCELLED");
    }

    @Test
    void aRepairOfAFailedParentRunsANewChild() throws Exception {
        String parentId = trigger("parent_repair", Map.of());
        JsonNode failed = awaitState(parentId, ENDED);
        assertThat(failed.get("state").asText()).isEqualTo("FAILED");
        String firstChild = child(failed, "go").get("run_id").asText();

        Files.createDirectories(app.workDir.resolve("data"));
        Files.writeString(app.workDir.resolve("data/fixed-child"), "fixed");
        api.post("/runs/" + parentId + "/repair", Map.of(), 202);
        JsonNode repaired = awaitState(parentId, List.of("SUCCEEDED", "FAILED", "CANCELLED"));
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() ->
                        ENDED.contains(api.get("/runs/" + parentId).get("state").asText())
                                && tasks(api.get("/runs/" + parentId))
                                                .get("go")
                                                .get("attempts")
                                                .size()
                                        == 2);
        repaired = api.get("/runs/" + parentId);

        assertThat(repaired.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode attempts = tasks(repaired).get("go").get("attempts");
        assertThat(attempts.get(0).get("child_run").get("run_id").asText()).isEqualTo(firstChild);
        String secondChild = attempts.get(1).get("child_run").get("run_id").asText();
        assertThat(secondChild).isNotEqualTo(firstChild);
        assertThat(api.get("/runs/" + secondChild).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(api.get("/runs/" + firstChild).get("state").asText()).isEqualTo("FAILED");
        assertThat(api.runs("child_fixable")).hasSize(2);
    }

    @Test
    void unknownPipelinesCyclesDepthAndBadParamsAreRefusedAtLoadWithFileLineAndField() {
        JsonNode pipelines = api.get("/pipelines");
        String errors = pipelines.get("load_errors").toString();

        assertThat(pipelines.get("pipelines").findValuesAsText("id"))
                .contains("parent", "child", "deep_1", "deep_6")
                .doesNotContain("bad_unknown", "loop_a", "loop_b", "bad_params", "deep_0");
        assertThat(errors)
                .contains("bad_unknown.yml:4:30: run_pipeline.pipeline: no pipeline 'nowhere' is loaded")
                .contains("loop_a.yml:4:30: run_pipeline.pipeline: running 'loop_b' closes a cycle of pipelines"
                        + " that run each other (loop_a runs loop_b runs loop_a)")
                .contains("loop_b.yml:4:30: run_pipeline.pipeline: running 'loop_a' closes a cycle")
                .contains("deep_0.yml:4:30: run_pipeline.pipeline: running 'deep_1' nests 6 levels of pipeline runs"
                        + " (deep_0 runs deep_1 runs deep_2 runs deep_3 runs deep_4 runs deep_5 runs deep_6), more"
                        + " than the limit of 5")
                .contains("bad_params.yml:4:30: run_pipeline.params: pipeline 'child' has no param 'nope'"
                        + " (it declares [n, tag])")
                .contains("bad_params.yml:6:30: run_pipeline.params.n: ")
                .contains("bad_params.yml:8:30: run_pipeline.params: pipeline 'child' needs a value for [n]");
    }

    @Test
    void aFileThatBreaksARunPipelineKeepsItsLastGoodVersion() throws Exception {
        Path file = app.workDir.resolve("pipelines/parent_nowait.yml");
        String good = Files.readString(file);
        String version = api.get("/pipelines/parent_nowait").get("version").asText();
        try {
            Files.writeString(file, good.replace("child_waits", "child_gone"));
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> api.get("/pipelines/parent_nowait")
                            .get("load_errors")
                            .toString()
                            .contains("parent_nowait.yml:4:30: run_pipeline.pipeline: no pipeline 'child_gone'"));
            assertThat(api.get("/pipelines/parent_nowait").get("version").asText())
                    .isEqualTo(version);
        } finally {
            Files.writeString(file, good);
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> api.get("/pipelines/parent_nowait")
                            .get("load_errors")
                            .isEmpty());
        }
    }
}
