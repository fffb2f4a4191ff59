package io.kindling.scheduler.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A daemon process's API answers as JSON, and a run's task in them, for the kill tests. */
final class RunJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private RunJson() {}

    /** GET {@code /api/v1 + path}. */
    static JsonNode get(DaemonProcess daemon, String path) {
        try {
            return JSON.readTree(daemon.get("/api/v1" + path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode task(JsonNode run, String taskId) {
        for (JsonNode t : run.get("tasks")) {
            if (t.get("task_id").asText().equals(taskId)) {
                return t;
            }
        }
        throw new AssertionError("no task " + taskId + " in " + run);
    }
}
