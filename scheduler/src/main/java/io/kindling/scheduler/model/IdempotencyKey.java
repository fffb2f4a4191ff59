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

    /** Visible ASCII: a key is a header value, stored and shown as it is. */
    private static final java.util.regex.Pattern VALID =
            java.util.regex.Pattern.compile("[\\x21-\\x7e]{1," + MAX_LENGTH + "}");

    /**
     * A request's {@code Idempotency-Key} header, kept {@code retention} from now.
     *
     * @throws IllegalArgumentException a value that is not 1 to 200 visible ASCII characters, saying so
     */
    public static IdempotencyKey of(String header, String scope, Instant now, java.time.Duration retention) {
        if (!VALID.matcher(header).matches()) {
            throw new IllegalArgumentException(
                    "Idempotency-Key must be 1 to " + MAX_LENGTH + " visible ASCII characters (a UUID, say)");
        }
        return new IdempotencyKey(scope, header, now, now.plus(retention));
    }

    /** The scope of a pipeline's inbound events. */
    public static String events(String pipelineId) {
        return "events:" + pipelineId;
    }

    /** The scope of a pipeline's backfills ({@code POST /pipelines/{id}/backfill}). */
    public static String backfills(String pipelineId) {
        return "backfills:" + pipelineId;
    }

    /** The scope of a pipeline's manual runs ({@code POST /pipelines/{id}/runs}). */
    public static String runs(String pipelineId) {
        return "runs:" + pipelineId;
    }
}
