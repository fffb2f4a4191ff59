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
import io.kindling.scheduler.support.WebhookReceiver.Received;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Alerts end to end: real runs, the outbox in the real database, deliveries over HTTP to a real receiver on
 * 127.0.0.1. The surefire configuration sets KINDLING_TEST_WEBHOOK_SECRET, which signs the {@code ops} webhook.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AlertsTest {
    private static final String SECRET = "test-secret-not-for-production";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WebhookReceiver RECEIVER = new WebhookReceiver().start();
    /** Down until a test starts it. */
    private static final WebhookReceiver LATE = new WebhookReceiver();

    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/alerts")
            .withOverrides(
                    ConfigOverride.config("webhooks.ops.url", RECEIVER.url("/ops")),
                    ConfigOverride.config("webhooks.ops.secretEnv", "KINDLING_TEST_WEBHOOK_SECRET"),
                    ConfigOverride.config("webhooks.ops.headers.X-Team", "data"),
                    ConfigOverride.config("webhooks.slack.url", RECEIVER.url("/slack")),
                    ConfigOverride.config("webhooks.slack.format", "slack"),
                    ConfigOverride.config("webhooks.late.url", LATE.url("/late")));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    @AfterAll
    static void stopReceivers() {
        RECEIVER.close();
        LATE.close();
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

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private List<Received> events(String path, String runId, String type) {
        return RECEIVER.received().stream()
                .filter(r -> r.path().equals(path))
                .filter(r -> json(r.body()).path("run_id").asText().equals(runId)
                        && (type == null || type.equals(r.header("X-Kindling-Event"))))
                .toList();
    }

    private List<JsonNode> deliveries(String runId) {
        return java.util.stream.StreamSupport.stream(
                        http.get("/webhooks/deliveries?limit=500")
                                .get("deliveries")
                                .spliterator(),
                        false)
                .filter(d -> d.get("run_id").asText().equals(runId))
                .toList();
    }

    private List<JsonNode> runFailed(String runId) {
        return deliveries(runId).stream()
                .filter(d -> d.get("event_type").asText().equals("run_failed"))
                .toList();
    }

    private static List<Received> lateRunFailed() {
        return LATE.received().stream()
                .filter(r -> "run_failed".equals(r.header("X-Kindling-Event")))
                .toList();
    }

    @Test
    void aFailingRunSendsExactlyOneSignedFailureAlertPerWebhook() throws Exception {
        String runId = runToEnd("fails");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> deliveries(runId).size() == 5
                        && deliveries(runId).stream()
                                .allMatch(d -> d.get("state").asText().equals("DELIVERED")));

        List<Received> failed = events("/ops", runId, "run_failed");
        assertThat(failed).hasSize(1);
        Received alert = failed.get(0);
        assertThat(WebhookReceiver.validSignature(alert.header("X-Kindling-Signature"), alert.body(), SECRET))
                .isTrue();
        assertThat(WebhookReceiver.validTimestampedSignature(
                        alert.header("X-Kindling-Signature-Timestamped"), alert.body(), SECRET))
                .isTrue();
        assertThat(alert.header("Content-Type")).isEqualTo("application/json");
        assertThat(alert.header("X-Team")).isEqualTo("data");
        JsonNode event = json(alert.body());
        assertThat(event.get("type").asText()).isEqualTo("run_failed");
        assertThat(event.get("pipeline").asText()).isEqualTo("fails");
        assertThat(event.get("id").asText()).isEqualTo(alert.header("X-Kindling-Event-Id"));
        assertThat(event.get("run_url").asText()).endsWith("/#/runs/" + runId);
        assertThat(event.get("failed_tasks").get(0).get("task").asText()).isEqualTo("boom");
        assertThat(event.get("failed_tasks").get(0).get("error").asText()).contains("fails on purpose");

        // the retry and the final task failure went to ops too, each once
        assertThat(events("/ops", runId, "task_retrying")).hasSize(1);
        List<Received> taskFailed = events("/ops", runId, "task_failed");
        assertThat(taskFailed).hasSize(1);
        assertThat(json(taskFailed.get(0).body()).get("attempt").asInt()).isEqualTo(2);

        // slack: valid JSON with the pipeline, the run (linked), the failed task and the error
        List<Received> slack = events("/slack", runId, "run_failed");
        assertThat(slack).isEmpty(); // slack bodies carry no run_id field; find them by text instead
        List<Received> slackAll = RECEIVER.received().stream()
                .filter(r -> r.path().equals("/slack")
                        && r.body().contains(runId)
                        && "run_failed".equals(r.header("X-Kindling-Event")))
                .toList();
        assertThat(slackAll).hasSize(1);
        JsonNode message = json(slackAll.get(0).body());
        assertThat(slackAll.get(0).header("X-Kindling-Signature")).isNull(); // no secret: unsigned
        assertThat(message.get("text").asText()).contains("Run failed", "fails", runId, "boom");
        String blocks = message.get("blocks").toString();
        assertThat(blocks)
                .contains("*Pipeline*\\nfails", "/runs/" + runId + "|" + runId, "*Task*\\nboom", "fails on purpose");
    }

    @Test
    void aSucceedingRunAlertsOnSuccessOnly() {
        String runId = runToEnd("succeeds");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> events("/ops", runId, "run_succeeded").size() == 1);
        assertThat(deliveries(runId)).hasSize(1);
    }

    @Test
    void aReceiverThatIsDownGetsTheAlertOnceItIsUpAndEveryAttemptIsRecorded() {
        String runId = runToEnd("fails_late");
        // refused connections are recorded and retried with backoff
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<JsonNode> d = runFailed(runId);
                    return d.size() == 1 && d.get(0).get("attempts").asInt() >= 2;
                });
        JsonNode pending = runFailed(runId).get(0);
        assertThat(pending.get("state").asText()).isEqualTo("PENDING");
        assertThat(pending.get("event_type").asText()).isEqualTo("run_failed");
        assertThat(pending.get("last_error").asText()).isNotEmpty();
        String id = pending.get("delivery_id").asText();
        assertThat(http.post("/webhooks/deliveries/" + id + "/retry", Map.of(), 409)
                        .get("code")
                        .asInt())
                .isEqualTo(409);

        LATE.start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.get("/webhooks/deliveries/" + id)
                        .get("state")
                        .asText()
                        .equals("DELIVERED"));
        assertThat(lateRunFailed()).hasSize(1);
        JsonNode delivered = http.get("/webhooks/deliveries/" + id);
        JsonNode log = delivered.get("attempt_log");
        assertThat(log.size()).isGreaterThanOrEqualTo(3);
        assertThat(log.get(0).get("status_code").isNull()).isTrue();
        assertThat(log.get(0).get("error").asText()).isNotEmpty();
        assertThat(log.get(log.size() - 1).get("status_code").asInt()).isEqualTo(200);
        assertThat(http.get("/webhooks/deliveries?state=delivered")
                        .get("deliveries")
                        .toString())
                .contains(id);
        assertThat(http.get("/webhooks/deliveries?state=pending")
                        .get("deliveries")
                        .toString())
                .doesNotContain(id);

        // a retry through the API sends the same event again
        http.post("/webhooks/deliveries/" + id + "/retry", Map.of(), 202);
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> lateRunFailed().size() == 2);
        assertThat(json(lateRunFailed().get(1).body()).get("id").asText())
                .isEqualTo(json(lateRunFailed().get(0).body()).get("id").asText());
    }

    @Test
    void aRunOverItsDurationLimitAlertsOnceWhileItRuns() throws Exception {
        String runId =
                http.post("/pipelines/slow/runs", Map.of(), 201).get("run_id").asText();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> events("/ops", runId, "run_duration_over").size() == 1);
        assertThat(http.get("/runs/" + runId).get("state").asText()).isEqualTo("RUNNING");
        JsonNode event = json(events("/ops", runId, "run_duration_over").get(0).body());
        assertThat(event.get("duration_limit").asText()).isEqualTo("PT1S");
        java.nio.file.Files.createDirectories(APP.workDir.resolve("data"));
        java.nio.file.Files.writeString(APP.workDir.resolve("data/slow.done"), "done");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.get("/runs/" + runId).get("state").asText().equals("SUCCEEDED"));
        assertThat(events("/ops", runId, "run_duration_over")).hasSize(1);
        assertThat(events("/ops", runId, null)).hasSize(1); // on_failure only: no success alert
    }

    @Test
    void theFirstSuccessAfterAFailureIsARecovery() throws Exception {
        String failed = runToEnd("recovers");
        String recovered;
        java.nio.file.Files.createDirectories(APP.workDir.resolve("data"));
        java.nio.file.Files.writeString(APP.workDir.resolve("data/recovers.fixed"), "fixed");
        recovered = runToEnd("recovers");
        String again = runToEnd("recovers");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> events("/ops", recovered, "run_recovered").size() == 1
                        && events("/ops", failed, "run_failed").size() == 1);
        assertThat(http.get("/runs/" + recovered).get("state").asText()).isEqualTo("SUCCEEDED");
        // a success after a success is no news
        assertThat(http.get("/runs/" + again).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(deliveries(again)).isEmpty();
    }

    @Test
    void badRequestsGetJsonErrors() {
        JsonNode page = http.get("/webhooks/deliveries?limit=1");
        assertThat(page.has("deliveries")).isTrue();
        var unknown = http.post("/webhooks/deliveries/nope/retry", Map.of());
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(unknown.readEntity(JsonNode.class).get("message").asText()).contains("nope");
        var badState = APP.extension
                .client()
                .target(APP.api("/webhooks/deliveries?state=lost"))
                .request()
                .get();
        assertThat(badState.getStatus()).isEqualTo(400);
        assertThat(badState.readEntity(JsonNode.class).get("message").asText()).contains("PENDING");
    }
}
