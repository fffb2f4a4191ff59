package io.kindling.scheduler.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.scheduler.model.RunIds;
import java.time.Clock;
import java.time.Instant;

/**
 * What {@code POST /api/v1/webhooks/{name}/test} sends: a run_failed event of no real pipeline, marked
 * {@code "test": true} with the entry's name, so a receiver (and PagerDuty, which resolves it at once) can tell it
 * from a real alert.
 */
public final class SampleEvent {
    public static final String PIPELINE = "webhook-test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleEvent() {}

    public static Notice of(String webhook, String dashboardUrl, Clock clock) {
        RunIds ids = new RunIds(clock);
        String eventId = ids.next();
        String base = dashboardUrl.endsWith("/") ? dashboardUrl.substring(0, dashboardUrl.length() - 1) : dashboardUrl;
        ObjectNode event = JSON.createObjectNode()
                .put("id", eventId)
                .put("type", AlertType.RUN_FAILED.wireName())
                .put("pipeline", PIPELINE)
                .put("run_id", "test")
                .put("occurred_at", Instant.now(clock).toString())
                .put("run_url", base + "/#/alerts")
                .put("state", "FAILED")
                .put("error", "a test alert sent to webhook '" + webhook + "' from Kindling: nothing failed")
                .put("test", true)
                .put("webhook", webhook);
        event.putArray("failed_tasks");
        return new Notice("test-" + ids.next(), eventId, AlertType.RUN_FAILED.wireName(), AlertMessages.text(event));
    }
}
