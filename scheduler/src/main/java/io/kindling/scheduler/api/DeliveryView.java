package io.kindling.scheduler.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.scheduler.db.AlertDelivery;
import io.kindling.scheduler.db.DeliveryAttempt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/** An alert delivery as the API shows it: the event, where it goes, how it stands, and (singly) its attempts. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DeliveryView(
        String deliveryId,
        String eventId,
        String eventType,
        String webhook,
        String pipeline,
        String runId,
        String task,
        String state,
        int attempts,
        String createdAt,
        String nextAttemptAt,
        String deliveredAt,
        Integer lastStatus,
        String lastError,
        JsonNode event,
        List<AttemptView> attemptLog) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One try at sending. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AttemptView(int attempt, String at, Integer statusCode, String error, long durationMs) {}

    public static DeliveryView of(AlertDelivery d, List<DeliveryAttempt> attempts) {
        JsonNode event;
        try {
            event = JSON.readTree(d.payload());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DeliveryView(
                d.deliveryId(),
                d.eventId(),
                d.eventType(),
                d.webhook(),
                d.pipelineId(),
                d.runId(),
                d.taskId().orElse(null),
                d.state().name(),
                d.attempts(),
                d.createdAt().toString(),
                d.state() == AlertDelivery.DeliveryState.PENDING
                        ? d.nextAttemptAt().toString()
                        : null,
                d.deliveredAt().map(Instant::toString).orElse(null),
                d.lastStatus().orElse(null),
                d.lastError().orElse(null),
                event,
                attempts.stream()
                        .map(a -> new AttemptView(
                                a.attemptNumber(),
                                a.attemptedAt().toString(),
                                a.statusCode().orElse(null),
                                a.error().orElse(null),
                                a.durationMillis()))
                        .toList());
    }
}
