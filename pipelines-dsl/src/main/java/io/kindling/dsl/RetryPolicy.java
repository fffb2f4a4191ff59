package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How often and how soon a failed task is tried again.
 *
 * @param retries  attempts after the first; 0 means no retry
 * @param delay    wait before the first retry
 * @param backoff  FIXED keeps {@code delay}; EXPONENTIAL doubles it each retry
 * @param maxDelay cap on any single wait
 */
public record RetryPolicy(int retries, Duration delay, Backoff backoff, Duration maxDelay) {

    public enum Backoff {
        FIXED,
        EXPONENTIAL
    }

    public static final RetryPolicy NONE =
            new RetryPolicy(0, Duration.ofSeconds(30), Backoff.FIXED, Duration.ofMinutes(10));

    public RetryPolicy {
        if (retries < 0) {
            throw new IllegalArgumentException("retries is negative");
        }
        requireNonNull(delay, "delay is null");
        requireNonNull(backoff, "backoff is null");
        requireNonNull(maxDelay, "maxDelay is null");
    }

    /** Whether a task whose attempt number {@code attempt} (1-based) failed gets another attempt. */
    public boolean allowsRetryAfter(int attempt) {
        return attempt <= retries;
    }

    /** The wait before attempt {@code attempt + 1}, after attempt {@code attempt} (1-based) failed. */
    public Duration delayAfter(int attempt) {
        if (backoff == Backoff.FIXED) {
            return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
        }
        Duration wait = delay;
        for (int i = 1; i < attempt && !wait.isZero() && wait.compareTo(maxDelay) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxDelay) > 0 ? maxDelay : wait;
    }
}
