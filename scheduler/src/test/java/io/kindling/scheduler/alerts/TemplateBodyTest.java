package io.kindling.scheduler.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.config.WebhookConfig;
import io.kindling.scheduler.support.DebianWebhook;
import io.kindling.scheduler.support.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template format: a Mustache body of the entry's own. Delivered to Debian's {@code webhook} receiver
 * (adnanh/webhook), which parses the JSON body itself and hands one of its fields and the raw body to a script; and
 * to an in-test receiver for a plain-text body. Skipped, saying so, without {@code /usr/bin/webhook}.
 */
class TemplateBodyTest {
    /** A JSON body for some chat tool: values land inside JSON strings, so they are escaped as JSON. */
    private static final String TEMPLATE = """
            {"text": "{{summary.title}} in {{pipeline}}: {{summary.error}}",
             "link": "{{run_url}}",
             "tasks": [{{#failed_tasks}}"{{task}}"{{/failed_tasks}}]}
            """;

    @TempDir
    Path dir;

    @Test
    void aJsonTemplateReachesTheDebianWebhookReceiverAsJsonItCanParse() throws Exception {
        Path text = dir.resolve("text.out");
        Path body = dir.resolve("body.out");
        Path script = dir.resolve("store.sh");
        Files.writeString(script, """
                #!/bin/sh
                printf '%%s' "$2" > "%s"
                printf '%%s' "$1" > "%s.tmp" && mv "%2$s.tmp" "%2$s"
                """.formatted(body, text));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // "payload" arguments come from webhook's own parse of the JSON body
        try (DebianWebhook receiver = DebianWebhook.start(dir, """
                [{"id": "chat", "execute-command": "%s", "http-methods": ["POST"],
                  "pass-arguments-to-command": [
                    {"source": "payload", "name": "text"},
                    {"source": "raw-request-body"}]}]
                """.formatted(script))) {
            WebhookConfig webhook = template(TEMPLATE, "application/json");
            webhook.setUrl(receiver.url("chat"));

            Outcome outcome = Events.channel(webhook, Map.of())
                    .send(Events.runFailed("people", "Table \"people\" not found\n\tat line 1"), Instant.now());

            assertThat(outcome.error()).isEmpty();
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(text));
            assertThat(Files.readString(text, StandardCharsets.UTF_8))
                    .isEqualTo("Run failed in people: Table \"people\" not found\n\tat line 1");
            JsonNode received = Events.JSON.readTree(Files.readString(body, StandardCharsets.UTF_8));
            assertThat(received.get("link").asText()).isEqualTo(Events.RUN_URL);
            assertThat(received.get("tasks").get(0).asText()).isEqualTo("adults");
        }
    }

    @Test
    void aPlainTextTemplateIsSentAsWrittenWithItsContentType() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver().start()) {
            WebhookConfig webhook = template("{{summary.title}}: {{pipeline}} <{{{run_url}}}> {{error}}", "text/plain");
            webhook.setUrl(receiver.url("/plain"));

            Outcome outcome =
                    Events.channel(webhook, Map.of()).send(Events.runFailed("people", "a<b & \"c\""), Instant.now());

            assertThat(outcome.isDelivered()).isTrue();
            WebhookReceiver.Received got = receiver.received().get(0);
            assertThat(got.header("Content-Type")).isEqualTo("text/plain");
            assertThat(got.body()).isEqualTo("Run failed: people <" + Events.RUN_URL + "> failed tasks: [adults]");
        }
    }

    private static WebhookConfig template(String template, String contentType) {
        WebhookConfig webhook = new WebhookConfig();
        webhook.setFormat(WebhookConfig.Format.template);
        webhook.setTemplate(template);
        webhook.setContentType(contentType);
        assertThat(webhook.problems()).isEmpty();
        return webhook;
    }
}
