package io.kindling.executor;

/**
 * How much longer the daemon may go on running attempts. The scheduler renews it with each heartbeat that reaches
 * the database; once it runs out, another daemon may soon take this one for dead and run its tasks again, so none of
 * this daemon's attempts may still be running by then (docs/semantics.md, "Self-fencing").
 */
@FunctionalInterface
public interface Lease {
    /** A lease that never runs out, for a daemon with no heartbeat to lose ({@code bin/kindling run}, tests). */
    Lease UNLIMITED = () -> Long.MAX_VALUE;

    /** Milliseconds left, 0 or less once it has run out. Cheap; called from any thread. */
    long remainingMillis();
}
