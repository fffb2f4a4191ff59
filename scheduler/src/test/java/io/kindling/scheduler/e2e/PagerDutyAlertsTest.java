package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The pagerduty format end to end: a failing pipeline triggers PagerDuty Events API v2 alerts at a real HTTP receiver
 * with a dedup_key per pipeline and event kind, and its next success resolves those same keys. The routing key is
 * read from the variable {@code routingKeyEnv} names (surefire sets KINDLING_TEST_WEBHOOK_SECRET) and is in the
 * requests, never in the stored outbox.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PagerDutyAlertsTest {
    private static final String ROUTING_KEY = "test-secret-not-for-production";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookReceiver PAGERDUTY = new WebhookReceiver().start();

    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/alerts")
            .withOverrides(
                    ConfigOverride.config("webhooks.ops.url", PAGERDUTY.url("/v2/enqueue")),
                    ConfigOverride.config("webhooks.ops.format", "pagerduty"),
                    ConfigOverride.config("webhooks.ops.routingKeyEnv", "KINDLING_TEST_WEBHOOK_SECRET"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    @AfterAll
    static void stopReceiver() {
        PAGERDUTY.close();
    }

    @Test
    void aFailureTriggersPerPipelineAndKindAndTheNextSuccessResolvesTheSameKeys() throws Exception {
        String failed = runToEnd("recovers");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> actions("trigger").size() == 2);
        List<JsonNode> triggers = actions("trigger");
        assertThat(triggers)
                .extracting(t -> t.get("dedup_key").asText())
                .containsExactlyInAnyOrder("kindling/recovers/run_failed", "kindling/recovers/task_failed");
        JsonNode runFailed = triggers.stream()
                .filter(t -> t.get("dedup_key").asText().endsWith("/run_failed"))
                .findFirst()
                .orElseThrow();
        assertThat(runFailed.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        JsonNode payload = runFailed.get("payload");
        assertThat(payload.get("summary").asText()).startsWith("Run failed: pipeline recovers, run " + failed);
        assertThat(payload.get("source").asText()).isEqualTo("kindling/recovers");
        assertThat(payload.get("severity").asText()).isEqualTo("error");
        assertThat(payload.get("custom_details").get("run_id").asText()).isEqualTo(failed);
        assertThat(runFailed.get("links").get(0).get("href").asText()).endsWith("/#/runs/" + failed);
        assertThat(actions("resolve")).isEmpty();

        Files.createDirectories(APP.workDir.resolve("data"));
        Files.writeString(APP.workDir.resolve("data/recovers.fixed"), "fixed");
        String recovered = runToEnd("recovers");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !actions("resolve").isEmpty());
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> actions("resolve").size() == 8); // every kind that triggers: failures, lateness, slowness
        List<JsonNode> resolves = actions("resolve");
        assertThat(resolves)
                .allSatisfy(r -> assertThat(r.get("routing_key").asText()).isEqualTo(ROUTING_KEY));
        assertThat(resolves)
                .extracting(r -> r.get("dedup_key").asText())
                .contains(
                        "kindling/recovers/run_failed",
                        "kindling/recovers/task_failed",
                        "kindling/recovers/run_late",
                        "kindling/recovers/run_slow");
        assertThat(http.get("/runs/" + recovered).get("state").asText()).isEqualTo("SUCCEEDED");

        // what the outbox keeps is the event: the key exists only in the requests
        JsonNode deliveries = http.get("/webhooks/deliveries");
        assertThat(deliveries.get("deliveries")).isNotEmpty();
        for (JsonNode d : deliveries.get("deliveries")) {
            assertThat(http.get("/webhooks/deliveries/" + d.get("delivery_id").asText())
                            .toString())
                    .doesNotContain(ROUTING_KEY);
        }
    }

    private String runToEnd(String pipeline) {
        String runId = http.post("/pipelines/" + pipeline + "/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCEEDED", "FAILED")
                        .contains(http.get("/runs/" + runId).get("state").asText()));
        return runId;
    }

    private static List<JsonNode> actions(String action) {
        List<JsonNode> out = new ArrayList<>();
        for (WebhookReceiver.Received r : PAGERDUTY.received()) {
            try {
                JsonNode body = JSON.readTree(r.body());
                if (body.get("event_action").asText().equals(action)) {
                    out.add(body);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
