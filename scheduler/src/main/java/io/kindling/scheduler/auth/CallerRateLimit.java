package io.kindling.scheduler.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many state changes (POST, PUT, PATCH, DELETE) each caller may make: a token bucket per token or user that
 * holds a minute's worth and refills at that rate, so bursts pass and a runaway script gets 429 instead of
 * filling the run queue (the per-pipeline quotas catch what a bucket lets through).
 */
public final class CallerRateLimit {
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final int perMinute;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public CallerRateLimit(int perMinute, LongSupplier nanoTime) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("perMinute must be at least 1");
        }
        this.perMinute = perMinute;
        this.nanoTime = nanoTime;
    }

    public int perMinute() {
        return perMinute;
    }

    /** Takes one change from the caller's bucket; false when it is empty. */
    public boolean tryAcquire(Principal caller) {
        return buckets.computeIfAbsent(caller.kind() + ":" + caller.id(), key -> new Bucket(nanoTime.getAsLong()))
                .take(nanoTime.getAsLong());
    }

    private final class Bucket {
        private double tokens = perMinute;
        private long refilledAt;

        Bucket(long now) {
            refilledAt = now;
        }

        synchronized boolean take(long now) {
            tokens = Math.min(perMinute, tokens + (double) (now - refilledAt) * perMinute / MINUTE_NANOS);
            refilledAt = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
