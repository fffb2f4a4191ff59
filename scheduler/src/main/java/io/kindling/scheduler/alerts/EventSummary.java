package io.kindling.scheduler.alerts;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What every human-facing format shows of an event, read once from its JSON: the title of its type, where it
 * happened, and the most telling error (the failed task's own rather than the run's summary).
 *
 * @param task  the event's task, or the first failed task of a failed run, or ""
 * @param error the error, or ""
 * @param logicalTime the scheduled time a deadline event is about, or ""
 */
record EventSummary(
        String type,
        String title,
        String pipeline,
        String runId,
        String runUrl,
        String task,
        String state,
        String error,
        String occurredAt,
        String logicalTime) {

    static EventSummary of(JsonNode event) {
        String type = event.path("type").asText();
        String task = event.path("task").asText("");
        JsonNode failed = event.path("failed_tasks");
        if (task.isEmpty() && failed.size() > 0) {
            task = failed.get(0).path("task").asText("");
        }
        String error = event.path("error").asText("");
        if (failed.size() > 0 && !failed.get(0).path("error").asText("").isEmpty()) {
            error = failed.get(0).path("error").asText();
        }
        return new EventSummary(
                type,
                titleOf(type),
                event.path("pipeline").asText(),
                event.path("run_id").asText(""),
                event.path("run_url").asText(),
                task,
                event.path("state").asText(""),
                error,
                event.path("occurred_at").asText(""),
                event.path("logical_time").asText(""));
    }

    /** The run's id, or what stands for a deadline's run that was never created. */
    String run() {
        if (!runId.isEmpty()) {
            return runId;
        }
        return logicalTime.isEmpty() ? "(none)" : "none created for " + logicalTime;
    }

    private static String titleOf(String wireName) {
        for (AlertType type : AlertType.values()) {
            if (type.wireName().equals(wireName)) {
                return type.title();
            }
        }
        return wireName;
    }

    /** One line for subjects, fallbacks and incident summaries; "(none)" for a deadline's run never created. */
    String headline() {
        return title + ": pipeline " + pipeline + ", run " + run() + (task.isEmpty() ? "" : ", task " + task);
    }
}
