package io.kindling.scheduler.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.scheduler.config.WebhookConfig;
import java.util.Map;
import java.util.function.Function;

/** Events as the planner writes them, and channels made as the daemon makes them, for the channel tests. */
final class Events {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String RUN_URL = "http://localhost:8080/#/runs/01run";

    private Events() {}

    /** A run_failed of {@code pipeline} whose task {@code adults} failed with {@code error}. */
    static Notice runFailed(String pipeline, String error) {
        ObjectNode event = base("run_failed", pipeline).put("state", "FAILED").put("error", "failed tasks: [adults]");
        event.putArray("failed_tasks")
                .addObject()
                .put("task", "adults")
                .put("state", "FAILED")
                .put("error", error);
        return notice(event);
    }

    static Notice of(String type, String pipeline) {
        return notice(base(type, pipeline).put("state", type.equals("run_failed") ? "FAILED" : "SUCCEEDED"));
    }

    private static ObjectNode base(String type, String pipeline) {
        return JSON.createObjectNode()
                .put("id", "01event-" + type)
                .put("type", type)
                .put("pipeline", pipeline)
                .put("run_id", "01run")
                .put("occurred_at", "2026-11-24T20:08:31.790Z")
                .put("run_url", RUN_URL);
    }

    private static Notice notice(ObjectNode event) {
        return new Notice(
                "01delivery", event.get("id").asText(), event.get("type").asText(), event.toString());
    }

    static Channel channel(WebhookConfig webhook, Map<String, String> env) {
        Function<String, String> lookup = env::get;
        return Channels.of(Map.of("hook", webhook), lookup).get("hook").orElseThrow();
    }
}
