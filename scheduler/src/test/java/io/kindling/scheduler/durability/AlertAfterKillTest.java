package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The daemon, as a process of its own, commits a run's failure and its run_failed alert, cannot deliver it (the
 * receiver is down), and is killed with SIGKILL. Its next start delivers the alert: exactly once, signed, with the
 * event id that was committed before the kill.
 */
class AlertAfterKillTest {
    /** Surefire gives the test JVM, and so the daemon it starts, this secret in KINDLING_TEST_WEBHOOK_SECRET. */
    private static final String SECRET = "test-secret-not-for-production";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Times out after a second on the 5 s sleep executor: the run fails without Spark. */
    private static final String PIPELINE = """
            pipeline: times_out
            description: its one task times out, so the run fails and alerts ops
            alerts: {on_failure: [ops]}
            tasks:
              - id: slow
                executor: sleep5s
                timeout: 1s
                class: io.kindling.scheduler.support.SucceedingTask
            """;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void anAlertCommittedBeforeASigkillIsDeliveredOnceAfterTheRestart(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        Files.writeString(pipelines.resolve("times_out.yml"), PIPELINE);
        int port = DaemonProcess.freePort();
        Path log = work.resolve("daemon.log");
        try (WebhookReceiver receiver = new WebhookReceiver()) { // down: nothing listens on its port yet
            Path config = DaemonProcess.writeConfig(
                    work, "config.yml", database.apply(work), pipelines, port, "alert-kill-test", "1s", "6s");
            Files.writeString(config, """
                    webhooks:
                      ops:
                        url: "%s"
                        secretEnv: KINDLING_TEST_WEBHOOK_SECRET
                        timeout: 2s
                    alerting:
                      initialBackoff: 200ms
                      maxBackoff: 1s
                      pollInterval: 100ms
                    """.formatted(receiver.url("/ops")), StandardOpenOption.APPEND);

            DaemonProcess first = DaemonProcess.start(config, port, log);
            String runId;
            String eventId;
            try {
                assertThat(first.post("/api/v1/pipelines/times_out/runs")).isEqualTo(201);
                // the failure and its alert are committed, and the worker has tried (and failed) to send it
                JsonNode pending = await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(100))
                        .until(
                                () -> runFailed(first).stream()
                                        .filter(d -> d.get("attempts").asInt() >= 1)
                                        .findFirst()
                                        .orElse(null),
                                d -> d != null);
                assertThat(pending.get("state").asText()).isEqualTo("PENDING");
                runId = pending.get("run_id").asText();
                eventId = pending.get("event_id").asText();
                assertThat(json(first.get("/api/v1/runs/" + runId)).get("state").asText())
                        .isEqualTo("FAILED");
            } finally {
                first.kill();
            }
            assertThat(receiver.received()).isEmpty();

            receiver.start();
            DaemonProcess second = DaemonProcess.start(config, port, log);
            try {
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            List<JsonNode> deliveries = runFailed(second);
                            return !deliveries.isEmpty()
                                    && deliveries.stream()
                                            .allMatch(
                                                    d -> d.get("state").asText().equals("DELIVERED"));
                        });
                List<WebhookReceiver.Received> arrived = receiver.received().stream()
                        .filter(r -> eventId.equals(r.header("X-Kindling-Event-Id")))
                        .toList();
                assertThat(arrived).hasSize(1);
                WebhookReceiver.Received alert = arrived.get(0);
                assertThat(alert.header("X-Kindling-Event")).isEqualTo("run_failed");
                assertThat(WebhookReceiver.validSignature(alert.header("X-Kindling-Signature"), alert.body(), SECRET))
                        .as(alert.header("X-Kindling-Signature"))
                        .isTrue();
                JsonNode event = json(alert.body());
                assertThat(event.get("id").asText()).isEqualTo(eventId);
                assertThat(event.get("run_id").asText()).isEqualTo(runId);
                assertThat(event.get("pipeline").asText()).isEqualTo("times_out");
                assertThat(receiver.received().stream().filter(r -> "run_failed".equals(r.header("X-Kindling-Event"))))
                        .hasSize(1);
            } finally {
                second.stop(Duration.ofSeconds(60));
            }
        }
    }

    private static List<JsonNode> runFailed(DaemonProcess daemon) {
        JsonNode page = json(daemon.get("/api/v1/webhooks/deliveries"));
        return StreamSupport.stream(page.get("deliveries").spliterator(), false)
                .filter(d -> d.get("event_type").asText().equals("run_failed"))
                .toList();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
