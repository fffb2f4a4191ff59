package io.kindling.executor;

import static java.util.Objects.requireNonNull;

/** An executor's answer to "can you run work now?". */
public record HealthStatus(boolean healthy, String message) {
    public HealthStatus {
        requireNonNull(message, "message is null");
    }

    public static HealthStatus ok(String message) {
        return new HealthStatus(true, message);
    }

    public static HealthStatus unhealthy(String message) {
        return new HealthStatus(false, message);
    }
}
