package io.kindling.scheduler.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Slack format, and what the formats share: JSON text and error excerpts. */
final class AlertMessages {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Channels truncate long fields anyway; an excerpt is what a channel wants. */
    static final int ERROR_EXCERPT = 500;

    private AlertMessages() {}

    /** The JSON text of a message built as a tree. */
    static String text(JsonNode message) {
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a message is plain JSON", e);
        }
    }

    /** A Slack incoming-webhook message: a plain {@code text} fallback and blocks with the details. */
    static ObjectNode slack(JsonNode event) {
        EventSummary e = EventSummary.of(event);
        ObjectNode message = JSON.createObjectNode();
        message.put("text", e.headline() + " " + e.runUrl());
        ArrayNode blocks = message.putArray("blocks");
        blocks.addObject()
                .put("type", "header")
                .putObject("text")
                .put("type", "plain_text")
                .put("text", e.title() + ": " + e.pipeline());
        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode list = fields.putArray("fields");
        list.addObject().put("type", "mrkdwn").put("text", "*Pipeline*\n" + e.pipeline());
        list.addObject().put("type", "mrkdwn").put("text", "*Run*\n<" + e.runUrl() + "|" + e.run() + ">");
        if (!e.task().isEmpty()) {
            list.addObject().put("type", "mrkdwn").put("text", "*Task*\n" + e.task());
        }
        if (!e.error().isEmpty()) {
            blocks.addObject()
                    .put("type", "section")
                    .putObject("text")
                    .put("type", "mrkdwn")
                    .put("text", "```" + excerpt(e.error()) + "```");
        }
        return message;
    }

    static String excerpt(String error) {
        String oneBlock = error.replace("```", "'''");
        return oneBlock.length() <= ERROR_EXCERPT ? oneBlock : oneBlock.substring(0, ERROR_EXCERPT) + "...";
    }
}
