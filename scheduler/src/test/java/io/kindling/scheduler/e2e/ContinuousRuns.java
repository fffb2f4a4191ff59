package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The runs of continuous pipelines through the API, and their streaming queries' threads in this JVM's Spark. */
final class ContinuousRuns {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KindlingApp app;
    private final Http http;

    ContinuousRuns(KindlingApp app) {
        this.app = app;
        this.http = new Http(app);
    }

    /** The pipeline's one run not ended yet, once it is RUNNING. */
    JsonNode awaitActiveRun(String pipeline) {
        return await().atMost(Duration.ofMinutes(1))
                .until(
                        () -> active(pipeline),
                        runs -> runs.size() == 1
                                && runs.get(0).get("state").asText().equals("RUNNING"))
                .get(0);
    }

    /** The runs not ended yet; failing when there are two. */
    List<JsonNode> active(String pipeline) {
        List<JsonNode> active = new ArrayList<>();
        for (JsonNode run : http.runs(pipeline)) {
            if (!ended(run)) {
                active.add(run);
            }
        }
        assertThat(active).as("runs of %s active at once", pipeline).hasSizeLessThanOrEqualTo(1);
        return active;
    }

    List<JsonNode> ended(String pipeline) {
        return http.runs(pipeline).stream().filter(ContinuousRuns::ended).toList();
    }

    private static boolean ended(JsonNode run) {
        return run.get("ended_at") != null && !run.get("ended_at").isNull();
    }

    JsonNode awaitEnded(String runId) {
        return await().atMost(Duration.ofMinutes(1))
                .until(
                        () -> http.get("/runs/" + runId),
                        run -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                                .contains(run.get("state").asText()));
    }

    /** The pipeline's runs in the order they were made. */
    List<JsonNode> byCreation(String pipeline) {
        return http.runs(pipeline).stream()
                .sorted(Comparator.comparing((JsonNode r) -> r.get("created_at").asText()))
                .toList();
    }

    /** Every run was made after the one before it had ended. */
    void assertOneActiveAtATime(String pipeline) {
        List<JsonNode> runs = byCreation(pipeline);
        for (int i = 1; i < runs.size(); i++) {
            Instant previousEnd = Instant.parse(runs.get(i - 1).get("ended_at").asText());
            assertThat(Instant.parse(runs.get(i).get("created_at").asText()))
                    .as(
                            "run %s made after %s ended",
                            runs.get(i).get("run_id"), runs.get(i - 1).get("run_id"))
                    .isAfterOrEqualTo(previousEnd);
        }
    }

    /** The run with its tasks and attempts. */
    JsonNode full(JsonNode run) {
        return http.get("/runs/" + run.get("run_id").asText());
    }

    /** The first attempt of the run's only task. */
    static JsonNode attempt(JsonNode fullRun) {
        return fullRun.get("tasks").get(0).get("attempts").get(0);
    }

    /** The log of the latest attempt of the run's only task. */
    String log(JsonNode run) {
        JsonNode full = full(run);
        return app.extension
                .client()
                .target(app.api("/runs/" + run.get("run_id").asText() + "/tasks/"
                        + full.get("tasks").get(0).get("task_id").asText() + "/log"))
                .request(MediaType.TEXT_PLAIN)
                .get(String.class);
    }

    /** The live thread of the stream task's query, found by the query id its checkpoint keeps; never two. */
    Optional<Thread> queryThread(String pipeline, String task) {
        Path metadata = app.workDir
                .resolve("checkpoints")
                .resolve(pipeline)
                .resolve(task)
                .resolve("metadata");
        if (!Files.exists(metadata)) {
            return Optional.empty();
        }
        String id;
        try {
            id = JSON.readTree(Files.readString(metadata)).get("id").asText();
        } catch (IOException e) { // being written
            return Optional.empty();
        }
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains(id))
                .toList();
        assertThat(threads).as("threads of query %s", id).hasSizeLessThanOrEqualTo(1);
        return threads.stream().findFirst();
    }
}
