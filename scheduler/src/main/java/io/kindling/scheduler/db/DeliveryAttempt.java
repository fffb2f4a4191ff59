package io.kindling.scheduler.db;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/** One try at sending a delivery: the receiver's status code, or the error that kept it from answering. */
public record DeliveryAttempt(
        String deliveryId,
        int attemptNumber,
        Instant attemptedAt,
        Optional<Integer> statusCode,
        Optional<String> error,
        long durationMillis) {
    public DeliveryAttempt {
        requireNonNull(deliveryId, "deliveryId is null");
        requireNonNull(attemptedAt, "attemptedAt is null");
        requireNonNull(statusCode, "statusCode is null");
        requireNonNull(error, "error is null");
    }
}
