package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Task values and condition tasks through HTTP on real local Spark: values published by SQL and class tasks and read
 * downstream (templates, the :tasks marker, IDENTIFIER), the size limit, both branches of a condition, and a repair
 * that reads the values of the upstream attempt that succeeded.
 */
class DataflowTest {
    private KindlingApp app;
    private Http api;

    @BeforeEach
    void start() throws Exception {
        app = KindlingApp.create(false, "pipelines/dataflow").start();
        api = new Http(app);
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private JsonNode runToEnd(String pipeline, Map<String, Object> params) {
        String runId = api.post("/pipelines/" + pipeline + "/runs", Map.of("params", params), 201)
                .get("run_id")
                .asText();
        return awaitEnd(runId);
    }

    private JsonNode awaitEnd(String runId) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(api.get("/runs/" + runId).get("state").asText()));
        return api.get("/runs/" + runId);
    }

    private static Map<String, JsonNode> tasks(JsonNode run) {
        Map<String, JsonNode> tasks = new LinkedHashMap<>();
        run.get("tasks").forEach(t -> tasks.put(t.get("task_id").asText(), t));
        return tasks;
    }

    private static List<String> states(JsonNode run) {
        List<String> states = new ArrayList<>();
        tasks(run).forEach((id, t) -> states.add(id + "=" + t.get("state").asText()));
        return states;
    }

    @Test
    void valuesFromSqlAndClassTasksAreReadDownstreamInTemplatesMarkersAndIdentifier() {
        JsonNode run = runToEnd("values", Map.of());

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        Map<String, JsonNode> tasks = tasks(run);
        assertThat(tasks.get("load").get("values").toString()).isEqualTo("{\"one\":1,\"tbl\":\"people\"}");
        assertThat(tasks.get("count").get("values").toString()).isEqualTo("{\"rows\":4,\"out\":\"counted\"}");
        assertThat(tasks.get("publish").get("values").toString()).isEqualTo("{\"min_age\":30,\"label\":\"adults\"}");
        // 12 of the 24 people are over 30: IDENTIFIER(:tasks.load.tbl) read the view, :tasks.* bound as literals
        assertThat(tasks.get("use").get("values").toString()).isEqualTo("{\"n\":12}");
        JsonNode attempt = tasks.get("use").get("attempts").get(0);
        assertThat(attempt.get("values").toString()).isEqualTo("{\"n\":12}");
        assertThat(attempt.has("outcome")).isFalse();
        assertThat(Files.isDirectory(app.workDir.resolve("data/out/counted/adults")))
                .isTrue();
        assertThat(tasks.get("echo").get("attempts").get(0).get("rendered").asText())
                .contains("n=12")
                .contains("one=1");
        assertThat(tasks.get("echo").has("values")).isFalse();
    }

    @Test
    void valuesOver48KiBFailTheAttemptWithAClearError() {
        JsonNode run = runToEnd("too_big", Map.of());

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(states(run)).containsExactlyInAnyOrder("publish=FAILED", "after=UPSTREAM_FAILED");
        JsonNode publish = tasks(run).get("publish");
        assertThat(publish.get("error").asText())
                .startsWith("task values take 50010 bytes as JSON, over the limit of 49152 (48 KiB) per task");
        assertThat(publish.has("values")).isFalse();
    }

    @Test
    void aConditionTakesOneBranchAndSkipsTheOther() {
        JsonNode taken = runToEnd("branch", Map.of());

        assertThat(taken.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(states(taken))
                .containsExactlyInAnyOrder(
                        "count=SUCCEEDED",
                        "check=SUCCEEDED",
                        "big=SUCCEEDED",
                        "small=SKIPPED",
                        "after_small=SKIPPED",
                        "either=SUCCEEDED");
        Map<String, JsonNode> tasks = tasks(taken);
        assertThat(tasks.get("check").get("outcome").asBoolean()).isTrue();
        assertThat(tasks.get("check").get("values").toString()).isEqualTo("{\"outcome\":true}");
        JsonNode check = tasks.get("check").get("attempts").get(0);
        assertThat(check.get("executor").asText()).isEqualTo("scheduler");
        assertThat(check.get("outcome").asBoolean()).isTrue();
        assertThat(check.get("rendered").asText()).isEqualTo("condition '3' > '2'");
        assertThat(tasks.get("either").get("outcome").asBoolean()).isTrue();
        assertThat(tasks.get("small").get("error").asText())
                .isEqualTo("run_if: condition task 'check' came out true, not false");
        assertThat(tasks.get("small").get("attempts")).isEmpty();

        JsonNode other = runToEnd("branch", Map.of("threshold", 5));

        assertThat(other.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(states(other))
                .containsExactlyInAnyOrder(
                        "count=SUCCEEDED",
                        "check=SUCCEEDED",
                        "big=SKIPPED",
                        "small=SUCCEEDED",
                        "after_small=SUCCEEDED",
                        "either=SUCCEEDED");
        assertThat(tasks(other).get("check").get("outcome").asBoolean()).isFalse();
    }

    @Test
    void aConditionThatCannotCompareFailsAndItsBranchesDoNotRun() {
        JsonNode run = runToEnd("bad_condition", Map.of());

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(states(run)).containsExactlyInAnyOrder("name=SUCCEEDED", "check=FAILED", "yes=UPSTREAM_FAILED");
        JsonNode check = tasks(run).get("check");
        assertThat(check.get("error").asText())
                .isEqualTo("condition 'abc' > '0': > compares numbers, and 'abc' is not one");
        assertThat(check.get("attempts")).hasSize(1); // not retried: the same values give the same answer
        assertThat(check.has("outcome")).isFalse();
    }

    @Test
    void aRepairedTaskReadsTheValuesOfTheUpstreamAttemptThatSucceeded() throws Exception {
        JsonNode run = runToEnd("repair_values", Map.of());
        String runId = run.get("run_id").asText();
        assertThat(states(run)).containsExactlyInAnyOrder("load=SUCCEEDED", "down=FAILED");
        String tag = "ready-" + runId;
        assertThat(tasks(run).get("load").get("values").get("tag").asText()).isEqualTo(tag);

        // the fault is fixed and the daemon restarts: nothing of the first run's values is in memory any more
        Path file = app.workDir.resolve("data/" + tag);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "ready");
        KindlingApp next = app.again();
        app.stop();
        app = next.start();
        api = new Http(app);

        api.post("/runs/" + runId + "/repair", Map.of(), 202);
        run = awaitEnd(runId);

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        Map<String, JsonNode> tasks = tasks(run);
        assertThat(tasks.get("load").get("attempts")).hasSize(1); // not run again
        JsonNode repaired = tasks.get("down").get("attempts").get(1);
        assertThat(repaired.get("repair").asInt()).isEqualTo(1);
        assertThat(repaired.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(repaired.get("rendered").asText()).contains("file=data/" + tag);
    }

    @Test
    void aRepairAfterARestartDecidesRunIfFromTheStoredOutcome() throws Exception {
        JsonNode run = runToEnd("repair_branch", Map.of());
        String runId = run.get("run_id").asText();
        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(states(run)).containsExactlyInAnyOrder("check=SUCCEEDED", "yes=FAILED", "no=SKIPPED");

        Files.createDirectories(app.workDir.resolve("data"));
        Files.writeString(app.workDir.resolve("data/fixed-yes"), "fixed");
        KindlingApp next = app.again();
        app.stop();
        app = next.start();
        api = new Http(app);

        JsonNode accepted = api.post("/runs/" + runId + "/repair", Map.of(), 202);
        assertThat(accepted.get("repairs").get(0).get("tasks"))
                .extracting(JsonNode::asText)
                .containsExactly("yes");
        run = awaitEnd(runId);

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(states(run)).containsExactlyInAnyOrder("check=SUCCEEDED", "yes=SUCCEEDED", "no=SKIPPED");
        Map<String, JsonNode> tasks = tasks(run);
        assertThat(tasks.get("check").get("attempts")).hasSize(1); // decided once: its outcome was read back
        assertThat(tasks.get("check").get("outcome").asBoolean()).isTrue();
        assertThat(tasks.get("no").get("attempts")).isEmpty();
    }
}
