package io.kindling.scheduler.alerts;

import static java.util.Objects.requireNonNull;

/**
 * One event on its way to one receiver: what a {@link Channel} sends.
 *
 * @param deliveryId the outbox row (or a test's own id), in the {@code X-Kindling-Delivery} header
 * @param payload    the event in Kindling's JSON schema, as stored; secrets are added by the channel when it sends
 */
public record Notice(String deliveryId, String eventId, String eventType, String payload) {
    public Notice {
        requireNonNull(deliveryId, "deliveryId is null");
        requireNonNull(eventId, "eventId is null");
        requireNonNull(eventType, "eventType is null");
        requireNonNull(payload, "payload is null");
    }
}
