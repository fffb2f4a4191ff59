package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.OutputHistory;
import io.kindling.scheduler.support.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code task_empty_output} and {@code task_volume_anomaly} end to end: real Spark runs on the local executor whose
 * output records their attempts' metrics count, a synthetic history of earlier runs written into the daemon's
 * database, and the alerts delivered over HTTP to a real receiver.
 */
class OutputAlertsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookReceiver RECEIVER = new WebhookReceiver().start();
    private static KindlingApp app;
    private static Http api;

    @BeforeAll
    static void start() throws Exception {
        app = KindlingApp.create(false, "pipelines/output_alerts")
                .withOverrides(ConfigOverride.config("webhooks.ops.url", RECEIVER.url("/ops")))
                .start();
        api = new Http(app);
    }

    @AfterAll
    static void stop() {
        app.stop();
        RECEIVER.close();
    }

    private static List<JsonNode> received(String type, String pipeline) {
        return RECEIVER.received().stream()
                .filter(r -> type.equals(r.header("X-Kindling-Event")))
                .map(r -> json(r.body()))
                .filter(e -> e.get("pipeline").asText().equals(pipeline))
                .toList();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Triggers a run and waits until it has succeeded: its alerts are in the outbox by then. */
    private static String succeeded(String pipeline, Map<String, Object> params) {
        String runId = api.post("/pipelines/" + pipeline + "/runs", Map.of("params", params), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/runs/" + runId).get("state").asText().equals("SUCCEEDED"));
        return runId;
    }

    /** The deliveries the daemon stored for a pipeline's events, whatever their state: what was raised. */
    private static int stored(String pipeline) {
        return api.get("/webhooks/deliveries?pipeline=" + pipeline + "&limit=100")
                .get("deliveries")
                .size();
    }

    @Test
    void anEmptyOutputRaisesOneAlertAndATaskAllowedToBeEmptyNone() {
        String runId = succeeded("empty", Map.of());

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received("task_empty_output", "empty").size() == 1);
        JsonNode event = received("task_empty_output", "empty").get(0);
        assertThat(event.get("run_id").asText()).isEqualTo(runId);
        assertThat(event.get("task").asText()).isEqualTo("load");
        assertThat(event.get("output_records").asLong()).isZero();
        assertThat(event.get("error").asText()).isEqualTo("the task succeeded but wrote no records to its output");
        // cleanup wrote nothing too, but is in allow_empty_output
        assertThat(stored("empty")).isEqualTo(1);
    }

    @Test
    void aHundredthOfTheUsualRowsRaisesOneVolumeAnomalyAndAShortHistoryNone() {
        OutputHistory.write(app.databaseUrl(), "volume", "load", 20, 1000);
        OutputHistory.write(app.databaseUrl(), "young", "load", 5, 1000);

        succeeded("volume", Map.of("n", 1000)); // as usual: nothing
        String low = succeeded("volume", Map.of("n", 10));
        succeeded("young", Map.of("n", 10)); // 5 runs of history, under min_runs: nothing

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received("task_volume_anomaly", "volume").size() == 1);
        JsonNode event = received("task_volume_anomaly", "volume").get(0);
        assertThat(event.get("run_id").asText()).isEqualTo(low);
        assertThat(event.get("task").asText()).isEqualTo("load");
        assertThat(event.get("output_records").asLong()).isEqualTo(10);
        assertThat(event.get("median_output_records").asDouble()).isEqualTo(1000.0);
        assertThat(event.get("baseline_runs").asInt()).isEqualTo(20);
        assertThat(event.get("error").asText())
                .isEqualTo("wrote 10 records, below 1/3 of the median of its last 20 successful runs (1000)");
        assertThat(stored("volume")).isEqualTo(1);
        assertThat(stored("young")).isZero();
    }
}
