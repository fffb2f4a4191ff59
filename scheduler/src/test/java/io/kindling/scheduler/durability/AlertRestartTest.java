package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.WebhookReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The outbox lives in the database: an alert not yet delivered when the daemon stops is sent by its next start. */
class AlertRestartTest {
    @Test
    void anUndeliveredAlertArrivesAfterARestart() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            KindlingApp first = KindlingApp.create(false, "pipelines/alerts")
                    .withOverrides(ConfigOverride.config("webhooks.late.url", receiver.url("/late")))
                    .start();
            String runId;
            try {
                Http http = new Http(first);
                runId = http.post("/pipelines/fails_late/runs", Map.of(), 201)
                        .get("run_id")
                        .asText();
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> http.get("/webhooks/deliveries?state=pending")
                                        .get("deliveries")
                                        .toString()
                                        .contains(runId)
                                && http.get("/webhooks/deliveries").get("deliveries").findValues("attempts").stream()
                                        .allMatch(a -> a.asInt() >= 1));
            } finally {
                first.stop();
            }
            receiver.start();
            KindlingApp second = first.again().start();
            try {
                Http http = new Http(second);
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> receiver.received().stream()
                                .anyMatch(r -> "run_failed".equals(r.header("X-Kindling-Event"))
                                        && r.body().contains(runId)));
                List<WebhookReceiver.Received> runFailed = receiver.received().stream()
                        .filter(r -> "run_failed".equals(r.header("X-Kindling-Event")))
                        .toList();
                assertThat(runFailed).hasSize(1);
            } finally {
                second.stop();
            }
        }
    }
}
