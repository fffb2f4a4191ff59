package io.kindling.scheduler.alerts;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: after the n-th failed attempt, wait {@code initial * 2^(n-1)} capped at
 * {@code max}, times a random factor in [0.5, 1), so that many deliveries failing together do not retry together.
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier random) {
    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    public Duration after(int failedAttempts) {
        int doublings = Math.min(Math.max(failedAttempts - 1, 0), 40);
        double capped = Math.min(max.toMillis(), initial.toMillis() * Math.pow(2, doublings));
        return Duration.ofMillis((long) (capped * (0.5 + 0.5 * random.getAsDouble())));
    }
}
