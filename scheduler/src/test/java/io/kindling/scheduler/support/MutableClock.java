package io.kindling.scheduler.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock the test moves: time-based behaviour without waiting. It stands still between moves, or, when
 * {@linkplain #flowing flowing}, runs on at real speed from wherever it was last set, so that durations
 * recorded in between are real.
 */
public final class MutableClock extends Clock {
    private record Base(Instant at, long nanos) {}

    private final AtomicReference<Base> base;
    private final boolean flowing;

    public MutableClock(Instant start) {
        this(start, false);
    }

    private MutableClock(Instant start, boolean flowing) {
        this.base = new AtomicReference<>(new Base(start, System.nanoTime()));
        this.flowing = flowing;
    }

    public static MutableClock flowing(Instant start) {
        return new MutableClock(start, true);
    }

    public void set(Instant instant) {
        base.set(new Base(instant, System.nanoTime()));
    }

    public void advance(Duration by) {
        base.updateAndGet(b -> new Base(b.at().plus(by), b.nanos()));
    }

    @Override
    public Instant instant() {
        Base b = base.get();
        return flowing ? b.at().plusNanos(System.nanoTime() - b.nanos()) : b.at();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the test clock is UTC");
    }
}
