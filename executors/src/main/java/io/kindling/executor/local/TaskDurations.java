package io.kindling.executor.local;

/**
 * A running stage's task durations in logarithmic buckets (each 10% wider than the last), so that a stage of any
 * number of tasks costs the same few hundred ints and its median is known to within 5%, with no duration kept.
 */
final class TaskDurations {
    private static final double RATIO = 1.1;
    private static final double LOG_RATIO = Math.log(RATIO);
    /** 1.1^250 ms is beyond a century: no duration is clipped in practice. */
    private static final int BUCKETS = 252;

    private final int[] counts = new int[BUCKETS];
    private long tasks;
    private long slowest;

    void add(long millis) {
        long d = Math.max(0, millis);
        counts[bucket(d)]++;
        tasks++;
        slowest = Math.max(slowest, d);
    }

    long tasks() {
        return tasks;
    }

    long slowest() {
        return slowest;
    }

    /** The median task's duration, to within 5% (never above the slowest); 0 for no task. */
    long median() {
        long rank = (tasks + 1) / 2;
        long seen = 0;
        for (int b = 0; b < BUCKETS; b++) {
            seen += counts[b];
            if (seen >= rank && counts[b] > 0) {
                return Math.min(slowest, representative(b));
            }
        }
        return 0;
    }

    /** 0 ms alone in bucket 0; d >= 1 ms in 1 + floor(log_1.1(d)). */
    private static int bucket(long millis) {
        if (millis == 0) {
            return 0;
        }
        return (int) Math.min(BUCKETS - 1, 1 + (long) Math.floor(Math.log(millis) / LOG_RATIO));
    }

    /** The geometric middle of a bucket's range, rounded. */
    private static long representative(int bucket) {
        if (bucket == 0) {
            return 0;
        }
        double low = Math.pow(RATIO, bucket - 1);
        return Math.round(low * Math.sqrt(RATIO));
    }
}
