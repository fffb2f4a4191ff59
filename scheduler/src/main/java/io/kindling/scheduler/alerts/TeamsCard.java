package io.kindling.scheduler.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code teams} format: a message with one Adaptive Card, the body a Teams "workflow" webhook (Power Automate's
 * "When a Teams webhook request is received") posts to a channel. Version 1.4 is the newest every Teams client
 * renders.
 */
final class TeamsCard {
    static final String CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";
    static final String VERSION = "1.4";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TeamsCard() {}

    static ObjectNode of(JsonNode event) {
        EventSummary e = EventSummary.of(event);
        ObjectNode message = JSON.createObjectNode().put("type", "message");
        ObjectNode attachment = message.putArray("attachments").addObject();
        attachment.put("contentType", CONTENT_TYPE);
        attachment.putNull("contentUrl");
        ObjectNode card = attachment.putObject("content");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", VERSION);
        card.putObject("msteams").put("width", "Full");
        ArrayNode body = card.putArray("body");
        body.addObject()
                .put("type", "TextBlock")
                .put("size", "Large")
                .put("weight", "Bolder")
                .put("color", color(e.type()))
                .put("wrap", true)
                .put("text", e.title() + ": " + e.pipeline());
        ArrayNode facts = body.addObject().put("type", "FactSet").putArray("facts");
        fact(facts, "Pipeline", e.pipeline());
        fact(facts, "Run", e.run());
        fact(facts, "Task", e.task());
        fact(facts, "State", e.state());
        fact(facts, "At", e.occurredAt());
        if (!e.error().isEmpty()) {
            body.addObject()
                    .put("type", "TextBlock")
                    .put("fontType", "Monospace")
                    .put("wrap", true)
                    .put("text", AlertMessages.excerpt(e.error()));
        }
        card.putArray("actions")
                .addObject()
                .put("type", "Action.OpenUrl")
                .put("title", "Open run")
                .put("url", e.runUrl());
        return message;
    }

    private static void fact(ArrayNode facts, String title, String value) {
        if (!value.isEmpty()) {
            facts.addObject().put("title", title).put("value", value);
        }
    }

    private static String color(String type) {
        if (type.equals(AlertType.RUN_SUCCEEDED.wireName()) || type.equals(AlertType.RUN_RECOVERED.wireName())) {
            return "Good";
        }
        if (type.equals(AlertType.TASK_RETRYING.wireName()) || type.equals(AlertType.RUN_DURATION_OVER.wireName())) {
            return "Warning";
        }
        return "Attention";
    }
}
