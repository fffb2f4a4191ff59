package io.kindling.scheduler.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.config.WebhookConfig;
import io.kindling.scheduler.support.WebhookReceiver;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The teams format as a real HTTP receiver gets it, parsed back and held to what a Teams workflow webhook and the
 * Adaptive Card schema require: a message whose first attachment is an Adaptive Card with type, version and body.
 */
class TeamsCardTest {
    private final WebhookReceiver receiver = new WebhookReceiver().start();

    @AfterEach
    void stop() {
        receiver.close();
    }

    private JsonNode sent(Notice notice) throws Exception {
        WebhookConfig teams = new WebhookConfig();
        teams.setFormat(WebhookConfig.Format.teams);
        teams.setUrl(receiver.url("/workflows/kindling"));
        assertThat(Events.channel(teams, Map.of()).send(notice, Instant.now()).isDelivered())
                .isTrue();
        assertThat(receiver.received()).hasSize(1);
        assertThat(receiver.received().get(0).header("Content-Type")).isEqualTo("application/json");
        return Events.JSON.readTree(receiver.received().get(0).body());
    }

    @Test
    void aFailedRunIsAnAdaptiveCardWithItsFactsErrorAndLink() throws Exception {
        JsonNode message = sent(Events.runFailed("people", "Table \"people\" not found\n  at line 1"));

        assertThat(message.get("type").asText()).isEqualTo("message");
        JsonNode attachment = message.get("attachments").get(0);
        assertThat(attachment.get("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        JsonNode card = attachment.get("content");
        assertThat(card.get("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.get("version").asText()).matches("1\\.[0-5]");
        JsonNode body = card.get("body");
        assertThat(body.isArray()).isTrue();
        assertThat(body)
                .allSatisfy(element -> assertThat(element.get("type").asText()).isIn("TextBlock", "FactSet"));
        assertThat(body.get(0).get("text").asText()).isEqualTo("Run failed: people");
        assertThat(body.get(1).get("facts"))
                .extracting(f -> f.get("title").asText() + "=" + f.get("value").asText())
                .contains("Pipeline=people", "Run=01run", "Task=adults", "State=FAILED");
        assertThat(body.get(2).get("text").asText()).isEqualTo("Table \"people\" not found\n  at line 1");
        JsonNode action = card.get("actions").get(0);
        assertThat(action.get("type").asText()).isEqualTo("Action.OpenUrl");
        assertThat(action.get("url").asText()).isEqualTo(Events.RUN_URL);
    }

    @Test
    void aSuccessHasNoErrorBlock() throws Exception {
        JsonNode card = sent(Events.of("run_succeeded", "people"))
                .get("attachments")
                .get(0)
                .get("content");

        assertThat(card.get("body")).hasSize(2);
        assertThat(card.get("body").get(0).get("color").asText()).isEqualTo("Good");
    }
}
