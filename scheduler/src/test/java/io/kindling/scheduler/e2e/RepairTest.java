package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Repair through HTTP: a failed run is repaired in place, first with its original definition (after the file
 * changed and the daemon restarted), then with the current one.
 */
class RepairTest {
    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private static JsonNode awaitEnd(Http api, String runId) {
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(api.get("/runs/" + runId).get("state").asText()));
        return api.get("/runs/" + runId);
    }

    private static Map<String, JsonNode> tasks(JsonNode run) {
        Map<String, JsonNode> tasks = new HashMap<>();
        run.get("tasks").forEach(t -> tasks.put(t.get("task_id").asText(), t));
        return tasks;
    }

    private static List<String> attemptStates(JsonNode task) {
        List<String> states = new ArrayList<>();
        task.get("attempts")
                .forEach(a -> states.add(
                        a.get("repair").asInt() + ":" + a.get("state").asText()));
        return states;
    }

    @Test
    void repairRerunsExactlyTheFailedTaskAndItsDownstreamWithTheOriginalVersionUnlessAskedOtherwise() throws Exception {
        app = KindlingApp.create(false, "pipelines/repair").start();
        Http api = new Http(app);
        String runId = api.post("/pipelines/repairable/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        JsonNode run = awaitEnd(api, runId);
        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(tasks(run))
                .extractingFromEntries(
                        e -> e.getKey() + "=" + e.getValue().get("state").asText())
                .containsExactlyInAnyOrder(
                        "a=SUCCEEDED", "b=FAILED", "c=UPSTREAM_FAILED", "d=SUCCEEDED", "e=UPSTREAM_FAILED");
        String original = run.get("version").asText();

        // the pipeline changes (b now reads a file that exists) and the daemon restarts with it
        Path file = app.workDir.resolve("pipelines/repairable.yml");
        Files.writeString(file, Files.readString(file).replace("data/fixed-b", "data/other"));
        Files.createDirectories(app.workDir.resolve("data"));
        Files.writeString(app.workDir.resolve("data/other"), "here");
        KindlingApp next = app.again();
        app.stop();
        app = next.start();
        api = new Http(app);

        // by default the run's own version: b still looks for data/fixed-b and fails again
        JsonNode accepted = api.post("/runs/" + runId + "/repair", Map.of(), 202);
        assertThat(accepted.get("repairs").get(0).get("tasks"))
                .extracting(JsonNode::asText)
                .containsExactly("b", "c", "e");
        run = awaitEnd(api, runId);
        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(run.get("repairs").get(0).get("version").asText()).isEqualTo("original");
        assertThat(run.get("repairs").get(0).get("content_hash").asText()).isEqualTo(original);
        assertThat(tasks(run).get("b").get("attempts").get(1).get("error").asText())
                .contains("data/fixed-b");

        // with the current version b finds its file, and c and e run at last
        api.post("/runs/" + runId + "/repair", Map.of("version", "current"), 202);
        run = awaitEnd(api, runId);
        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("run_id").asText()).isEqualTo(runId); // the same run, not a new one
        assertThat(run.get("version").asText()).isEqualTo(original);
        JsonNode second = run.get("repairs").get(1);
        assertThat(second.get("repair").asInt()).isEqualTo(2);
        assertThat(second.get("version").asText()).isEqualTo("current");
        assertThat(second.get("content_hash").asText()).isNotEqualTo(original);
        assertThat(second.get("tasks")).extracting(JsonNode::asText).containsExactly("b", "c", "e");

        Map<String, JsonNode> tasks = tasks(run);
        assertThat(tasks.values())
                .allSatisfy(t -> assertThat(t.get("state").asText()).isEqualTo("SUCCEEDED"));
        assertThat(attemptStates(tasks.get("a"))).containsExactly("0:SUCCEEDED"); // untouched: one attempt
        assertThat(attemptStates(tasks.get("d"))).containsExactly("0:SUCCEEDED");
        assertThat(attemptStates(tasks.get("b"))).containsExactly("0:FAILED", "1:FAILED", "2:SUCCEEDED");
        assertThat(attemptStates(tasks.get("c"))).containsExactly("2:SUCCEEDED");
        assertThat(attemptStates(tasks.get("e"))).containsExactly("2:SUCCEEDED");
        // what c ran, templates filled in, is kept with its attempt
        assertThat(tasks.get("c").get("attempts").get(0).get("rendered").asText())
                .isEqualTo("SELECT '" + runId + "' AS run");

        // nothing left to repair, and a version that does not exist, are JSON 4xx
        Response nothing = api.post("/runs/" + runId + "/repair", Map.of());
        assertThat(nothing.getStatus()).isEqualTo(409);
        assertThat(nothing.readEntity(JsonNode.class).get("message").asText()).contains("nothing to repair");
        Response bogus = api.post("/runs/" + runId + "/repair", Map.of("version", "newest"));
        assertThat(bogus.getStatus()).isEqualTo(400);
        assertThat(bogus.readEntity(JsonNode.class).get("message").asText()).contains("\"original\" or \"current\"");
        assertThat(api.post("/runs/nope/repair", Map.of()).getStatus()).isEqualTo(404);
    }

    @Test
    void aRunThatHasNotFinishedCannotBeRepaired() throws Exception {
        app = KindlingApp.create(false, "pipelines/api").start();
        Http api = new Http(app);
        String runId =
                api.post("/pipelines/long/runs", Map.of(), 201).get("run_id").asText();
        Response response = api.post("/runs/" + runId + "/repair", Map.of());
        assertThat(response.getStatus()).isEqualTo(409);
        assertThat(response.readEntity(JsonNode.class).get("message").asText()).contains("has not finished");
        api.post("/runs/" + runId + "/cancel", Map.of(), 200);
        JsonNode run = awaitEnd(api, runId);
        assertThat(run.get("state").asText()).isEqualTo("CANCELLED");
    }
}
