package io.kindling.scheduler.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.kindling.scheduler.support.DebianWebhook;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent receiver: Debian's {@code webhook} package (adnanh/webhook, in Go), which hands each request's
 * signature header and raw body to a shell script that stores them. A failing run reaches it as exactly one
 * run_failed request whose signature verifies over the bytes it received. {@code .ci/run} installs the package;
 * without {@code /usr/bin/webhook} the test is skipped, saying so.
 */
class WebhookPackageReceiverTest {
    /** Surefire sets KINDLING_TEST_WEBHOOK_SECRET to this. */
    private static final String SECRET = "test-secret-not-for-production";

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aFailingRunReachesTheDebianWebhookReceiverOnceWithAValidSignature() throws Exception {
        // webhook runs the script only for a request whose X-Kindling-Signature it checks itself as sha256=<hmac>
        Path received = Files.createDirectories(dir.resolve("received"));
        Path script = dir.resolve("store.sh");
        // one file pair per request: the event type, the signature header and the raw body, byte for byte
        Files.writeString(script, """
                #!/bin/sh
                n="$(date +%%s%%N)-$$"
                printf '%%s\\n%%s' "$1" "$2" > "%1$s/$n.head"
                printf '%%s' "$3" > "%1$s/$n.tmp"
                mv "%1$s/$n.tmp" "%1$s/$n.body"
                """.formatted(received));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (DebianWebhook receiver = DebianWebhook.start(dir, """
                [{"id": "kindling", "execute-command": "%s", "http-methods": ["POST"],
                  "pass-arguments-to-command": [
                    {"source": "header", "name": "X-Kindling-Event"},
                    {"source": "header", "name": "X-Kindling-Signature"},
                    {"source": "raw-request-body"}],
                  "trigger-rule": {"match": {"type": "payload-hmac-sha256", "secret": "%s",
                    "parameter": {"source": "header", "name": "X-Kindling-Signature"}}}}]
                """.formatted(script, SECRET))) {
            KindlingApp app = KindlingApp.create(false, "pipelines/alerts")
                    .withOverrides(
                            ConfigOverride.config("webhooks.ops.url", receiver.url("kindling")),
                            ConfigOverride.config("webhooks.ops.secretEnv", "KINDLING_TEST_WEBHOOK_SECRET"),
                            ConfigOverride.config("webhooks.slack.format", "slack"))
                    .start(); // fails alerts slack too (off)
            try {
                Http http = new Http(app);
                String runId = http.post("/pipelines/fails/runs", Map.of(), 201)
                        .get("run_id")
                        .asText();
                // fails alerts ops of run_failed and task_failed, and of its one retry: 3 deliveries in all
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            List<JsonNode> ofRun = new ArrayList<>();
                            http.get("/webhooks/deliveries").get("deliveries").forEach(d -> {
                                if (d.get("run_id").asText().equals(runId)
                                        && d.get("webhook").asText().equals("ops")) {
                                    ofRun.add(d);
                                }
                            });
                            return ofRun.size() == 3
                                    && ofRun.stream()
                                            .allMatch(
                                                    d -> d.get("state").asText().equals("DELIVERED"));
                        });
                // the script runs after webhook answered: wait for its files
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> stored(received).size() == 3);
            } finally {
                app.stop();
            }
            List<String[]> runFailed = stored(received).stream()
                    .filter(r -> r[0].equals("run_failed"))
                    .toList();
            assertThat(runFailed).hasSize(1);
            String signature = runFailed.get(0)[1];
            String body = runFailed.get(0)[2];
            assertThat(WebhookReceiver.validSignature(signature, body, SECRET))
                    .as(signature)
                    .isTrue();
            JsonNode event = JSON.readTree(body);
            assertThat(event.get("type").asText()).isEqualTo("run_failed");
            assertThat(event.get("pipeline").asText()).isEqualTo("fails");
            assertThat(event.get("failed_tasks").get(0).get("task").asText()).isEqualTo("boom");
        }
    }

    /** Each request the script stored: event type, signature header, body. */
    private static List<String[]> stored(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<String[]> out = new ArrayList<>();
            for (Path head : files.filter(p -> p.toString().endsWith(".head")).toList()) {
                Path body = Path.of(head.toString().replaceAll("\\.head$", ".body"));
                if (!Files.exists(body)) {
                    continue; // not yet complete (the script moves the body in last)
                }
                String[] lines = Files.readString(head, StandardCharsets.UTF_8).split("\n", 2);
                out.add(new String[] {
                    lines[0], lines.length > 1 ? lines[1] : "", Files.readString(body, StandardCharsets.UTF_8)
                });
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
