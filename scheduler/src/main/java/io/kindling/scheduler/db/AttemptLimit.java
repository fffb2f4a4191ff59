package io.kindling.scheduler.db;

import static java.util.Objects.requireNonNull;

/**
 * A limit on RUNNING attempts that holds over every daemon sharing the history: the places of a pool, or the task
 * slots of an executor that runs on a cluster (a local executor's slots belong to its daemon and are not counted
 * here).
 *
 * @param size how many attempts it lets run at once
 */
public record AttemptLimit(Kind kind, String name, int size) {
    public enum Kind {
        /** Counted over the attempts written with this pool. */
        POOL,
        /** Counted over the attempts of this executor. */
        EXECUTOR
    }

    public AttemptLimit {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, got " + size);
        }
    }

    public static AttemptLimit pool(String name, int size) {
        return new AttemptLimit(Kind.POOL, name, size);
    }

    public static AttemptLimit executor(String name, int size) {
        return new AttemptLimit(Kind.EXECUTOR, name, size);
    }

    /** The lock's name: daemons that start attempts under the same limit take them one at a time. */
    String lockKey() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
    }
}
