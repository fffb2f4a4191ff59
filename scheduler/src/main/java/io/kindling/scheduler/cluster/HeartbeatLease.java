package io.kindling.scheduler.cluster;

import io.kindling.executor.Lease;
import java.time.Duration;

/**
 * This daemon's right to run attempts: valid for {@code deadAfter} minus the fence margin after the start of its last
 * heartbeat that reached the database. Other daemons take it for dead {@code deadAfter} after the time that heartbeat
 * wrote, so a daemon that stops its attempts when the lease runs out has them stopped, by the margin, before anyone
 * may adopt them. Measured on the monotonic clock: a wall clock that jumps neither ends nor stretches it.
 */
public final class HeartbeatLease implements Lease {
    private final long validNanos;
    private volatile long renewedNanos = System.nanoTime();

    /** A lease that never runs out: for a daemon on SQLite, which no other daemon takes for dead. */
    public static HeartbeatLease unlimited() {
        return new HeartbeatLease(Duration.ofDays(365 * 100));
    }

    public HeartbeatLease(Duration valid) {
        if (valid.isNegative() || valid.isZero()) {
            throw new IllegalArgumentException("a lease must last a while, not " + valid);
        }
        this.validNanos = valid.toNanos();
    }

    /** How long the lease lasts after a renewal. */
    public Duration valid() {
        return Duration.ofNanos(validNanos);
    }

    /** A heartbeat that started at {@code startedNanos} ({@link System#nanoTime()}) reached the database. */
    public void renew(long startedNanos) {
        renewedNanos = startedNanos;
    }

    @Override
    public long remainingMillis() {
        return Math.floorDiv(remainingNanos(), 1_000_000);
    }

    public boolean ranOut() {
        return remainingNanos() <= 0;
    }

    private long remainingNanos() {
        return validNanos - (System.nanoTime() - renewedNanos);
    }
}
