package io.kindling.scheduler.db;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One alert event on its way to one webhook: a row of the outbox.
 *
 * @param eventId       the event's id, the same for each webhook it goes to, for receivers to de-duplicate
 * @param payload       the event in Kindling's JSON schema, as it was when the event happened
 * @param retryFrom     retries go on until this plus the configured period
 * @param nextAttemptAt when the worker may send it next
 */
public record AlertDelivery(
        String deliveryId,
        String eventId,
        String webhook,
        String eventType,
        String pipelineId,
        String runId,
        Optional<String> taskId,
        String payload,
        DeliveryState state,
        int attempts,
        Instant createdAt,
        Instant retryFrom,
        Instant nextAttemptAt,
        Optional<Instant> deliveredAt,
        Optional<Integer> lastStatus,
        Optional<String> lastError) {
    public AlertDelivery {
        requireNonNull(deliveryId, "deliveryId is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(webhook, "webhook is null");
        requireNonNull(eventType, "eventType is null");
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(taskId, "taskId is null");
        requireNonNull(payload, "payload is null");
        requireNonNull(state, "state is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(retryFrom, "retryFrom is null");
        requireNonNull(nextAttemptAt, "nextAttemptAt is null");
        requireNonNull(deliveredAt, "deliveredAt is null");
        requireNonNull(lastStatus, "lastStatus is null");
        requireNonNull(lastError, "lastError is null");
    }

    /** A new delivery, due at once. */
    public static AlertDelivery pending(
            String deliveryId,
            String eventId,
            String webhook,
            String eventType,
            String pipelineId,
            String runId,
            Optional<String> taskId,
            String payload,
            Instant at) {
        return new AlertDelivery(
                deliveryId,
                eventId,
                webhook,
                eventType,
                pipelineId,
                runId,
                taskId,
                payload,
                DeliveryState.PENDING,
                0,
                at,
                at,
                at,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** Where a delivery stands. */
    public enum DeliveryState {
        /** Not yet answered with 2xx, and still within its retry period. */
        PENDING,
        /** The receiver answered 2xx. */
        DELIVERED,
        /** Given up: the retry period passed, or the webhook is off or gone. A retry through the API resends it. */
        FAILED
    }
}
