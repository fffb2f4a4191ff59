package io.kindling.scheduler.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code pagerduty} format: PagerDuty Events API v2. A problem triggers an alert whose {@code dedup_key} is the
 * same for every event of one kind of one pipeline ({@code kindling/<pipeline>/<type>}), so repeats update the open
 * incident instead of paging again; a recovery or success resolves every kind of that pipeline (resolving a key
 * with no open alert is a no-op at PagerDuty). A webhook test triggers and at once resolves a key of its own.
 */
final class PagerDutyEvents {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** PagerDuty cuts summaries at 1024 characters; cut first so the end is ours. */
    private static final int SUMMARY_LIMIT = 1024;
    /** The kinds that trigger, with their severity. */
    static final Map<AlertType, String> TRIGGERS = Map.of(
            AlertType.RUN_FAILED, "error",
            AlertType.TASK_FAILED, "error",
            AlertType.RUN_DURATION_OVER, "warning",
            AlertType.TASK_RETRYING, "warning",
            AlertType.RUN_LATE, "error",
            AlertType.RUN_START_LATE, "warning",
            AlertType.RUN_SLOW, "warning",
            AlertType.TASK_SLOW, "warning",
            AlertType.TASK_EMPTY_OUTPUT, "warning",
            AlertType.TASK_VOLUME_ANOMALY, "warning");
    /**
     * Raised by an attempt that succeeded, so a success says nothing of them: someone who looked at the data
     * resolves them in PagerDuty.
     */
    static final java.util.Set<AlertType> NOT_RESOLVED_BY_SUCCESS =
            java.util.EnumSet.of(AlertType.TASK_EMPTY_OUTPUT, AlertType.TASK_VOLUME_ANOMALY);

    private PagerDutyEvents() {}

    static String dedupKey(String pipeline, AlertType type) {
        return "kindling/" + pipeline + "/" + type.wireName();
    }

    /** The requests for one event, in order. */
    static List<String> bodies(JsonNode event, String routingKey) {
        EventSummary e = EventSummary.of(event);
        if (event.path("test").asBoolean(false)) {
            String key = "kindling/webhook-test/" + event.path("webhook").asText();
            return List.of(
                    AlertMessages.text(trigger(event, e, routingKey, key, "info")),
                    AlertMessages.text(resolve(routingKey, key)));
        }
        for (Map.Entry<AlertType, String> trigger : TRIGGERS.entrySet()) {
            if (trigger.getKey().wireName().equals(e.type())) {
                String key = dedupKey(e.pipeline(), trigger.getKey());
                return List.of(AlertMessages.text(trigger(event, e, routingKey, key, trigger.getValue())));
            }
        }
        List<String> out = new ArrayList<>();
        for (AlertType kind : AlertType.values()) {
            if (TRIGGERS.containsKey(kind) && !NOT_RESOLVED_BY_SUCCESS.contains(kind)) {
                out.add(AlertMessages.text(resolve(routingKey, dedupKey(e.pipeline(), kind))));
            }
        }
        return List.copyOf(out); // run_succeeded, run_recovered
    }

    private static ObjectNode trigger(JsonNode event, EventSummary e, String routingKey, String key, String severity) {
        ObjectNode body = JSON.createObjectNode()
                .put("routing_key", routingKey)
                .put("event_action", "trigger")
                .put("dedup_key", key)
                .put("client", "Kindling")
                .put("client_url", e.runUrl());
        String summary = e.headline() + (e.error().isEmpty() ? "" : ": " + e.error());
        ObjectNode payload = body.putObject("payload")
                .put(
                        "summary",
                        summary.length() <= SUMMARY_LIMIT ? summary : summary.substring(0, SUMMARY_LIMIT - 3) + "...")
                .put("source", "kindling/" + e.pipeline())
                .put("severity", severity)
                .put("component", e.pipeline())
                .put("class", e.type());
        if (!e.occurredAt().isEmpty()) {
            payload.put("timestamp", e.occurredAt());
        }
        payload.set("custom_details", event);
        body.putArray("links").addObject().put("href", e.runUrl()).put("text", "Run " + e.runId());
        return body;
    }

    private static ObjectNode resolve(String routingKey, String key) {
        return JSON.createObjectNode()
                .put("routing_key", routingKey)
                .put("event_action", "resolve")
                .put("dedup_key", key);
    }
}
