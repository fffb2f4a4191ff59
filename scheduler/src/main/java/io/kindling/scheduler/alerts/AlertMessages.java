package io.kindling.scheduler.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.scheduler.config.WebhookConfig.Format;

/** The body a webhook receives for an event: the event itself ({@code json}), or a Slack message. */
public final class AlertMessages {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Slack truncates long fields anyway; an excerpt is what a channel wants. */
    static final int ERROR_EXCERPT = 500;

    private AlertMessages() {}

    public static String body(Format format, String eventJson) {
        if (format == Format.json) {
            return eventJson;
        }
        try {
            return JSON.writeValueAsString(slack(JSON.readTree(eventJson)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt event in the outbox: " + eventJson, e);
        }
    }

    /** A Slack incoming-webhook message: a plain {@code text} fallback and blocks with the details. */
    static ObjectNode slack(JsonNode event) {
        String title = titleOf(event.path("type").asText());
        String pipeline = event.path("pipeline").asText();
        String runId = event.path("run_id").asText();
        String url = event.path("run_url").asText();
        String task = event.path("task").asText("");
        if (task.isEmpty() && event.path("failed_tasks").size() > 0) {
            task = event.path("failed_tasks").get(0).path("task").asText();
        }
        String error = errorOf(event);

        ObjectNode message = JSON.createObjectNode();
        message.put(
                "text",
                title + ": pipeline " + pipeline + ", run " + runId + (task.isEmpty() ? "" : ", task " + task) + " "
                        + url);
        ArrayNode blocks = message.putArray("blocks");
        blocks.addObject()
                .put("type", "header")
                .putObject("text")
                .put("type", "plain_text")
                .put("text", title + ": " + pipeline);
        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode list = fields.putArray("fields");
        list.addObject().put("type", "mrkdwn").put("text", "*Pipeline*\n" + pipeline);
        list.addObject().put("type", "mrkdwn").put("text", "*Run*\n<" + url + "|" + runId + ">");
        if (!task.isEmpty()) {
            list.addObject().put("type", "mrkdwn").put("text", "*Task*\n" + task);
        }
        if (!error.isEmpty()) {
            blocks.addObject()
                    .put("type", "section")
                    .putObject("text")
                    .put("type", "mrkdwn")
                    .put("text", "```" + excerpt(error) + "```");
        }
        return message;
    }

    private static String titleOf(String wireName) {
        for (AlertType type : AlertType.values()) {
            if (type.wireName().equals(wireName)) {
                return type.title();
            }
        }
        return wireName;
    }

    /** The failed task's own error when there is one: more telling than the run's summary. */
    private static String errorOf(JsonNode event) {
        JsonNode failed = event.path("failed_tasks");
        if (failed.size() > 0 && !failed.get(0).path("error").asText("").isEmpty()) {
            return failed.get(0).path("error").asText();
        }
        return event.path("error").asText("");
    }

    static String excerpt(String error) {
        String oneBlock = error.replace("```", "'''");
        return oneBlock.length() <= ERROR_EXCERPT ? oneBlock : oneBlock.substring(0, ERROR_EXCERPT) + "...";
    }
}
