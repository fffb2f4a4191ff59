package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A caller's {@code Idempotency-Key} as stored: within {@code [createdAt, expiresAt)} a second request with the same
 * key in the same scope answers what the first made instead of making it again.
 *
 * @param scope the route and its object, e.g. {@code events:orders}
 * @param key   the header's value
 */
public record IdempotencyKey(String scope, String key, Instant createdAt, Instant expiresAt) {
    /** The longest key kept (the column's width). */
    public static final int MAX_LENGTH = 200;

    public IdempotencyKey {
        requireNonNull(scope, "scope is null");
        requireNonNull(key, "key is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }

    /** The scope of a pipeline's inbound events. */
    public static String events(String pipelineId) {
        return "events:" + pipelineId;
    }
}
