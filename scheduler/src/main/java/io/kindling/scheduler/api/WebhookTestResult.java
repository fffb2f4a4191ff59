package io.kindling.scheduler.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What {@code POST /api/v1/webhooks/{name}/test} answers: whether the sample reached the receiver, and if not why.
 *
 * @param statusCode the receiver's HTTP status, null for email or when none came
 * @param error      null when delivered
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WebhookTestResult(
        String webhook,
        String format,
        String eventId,
        boolean delivered,
        Integer statusCode,
        String error,
        long durationMs) {
    public WebhookTestResult {
        requireNonNull(webhook, "webhook is null");
        requireNonNull(format, "format is null");
        requireNonNull(eventId, "eventId is null");
    }
}
