package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * {@code trigger: {files: {path, pattern, settle, min_interval}}}: a run starts when files matching {@code pattern}
 * under {@code path} (any Hadoop file system path) are new or changed, and have settled.
 *
 * @param path        the folder, as Spark would read it: relative to the daemon's work dir, absolute, or a URI
 *                    ({@code file:}, {@code hdfs:}, {@code s3a:})
 * @param pattern     a Hadoop glob relative to {@code path}, e.g. {@code *.parquet} or {@code *}{@code /*.csv}
 * @param settle      how long a file's size and modification time must stay the same before it counts
 * @param minInterval the least time between two runs this trigger starts; files landing in between wait together
 */
public record FilesTrigger(String path, String pattern, Duration settle, Duration minInterval) {
    public static final String DEFAULT_PATTERN = "*";
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofMinutes(1);
    private static final Duration FASTEST_POLL = Duration.ofMillis(100);
    private static final Duration SLOWEST_POLL = Duration.ofSeconds(15);

    public FilesTrigger {
        requireNonNull(path, "path is null");
        requireNonNull(pattern, "pattern is null");
        requireNonNull(settle, "settle is null");
        requireNonNull(minInterval, "minInterval is null");
        if (path.isBlank() || pattern.isBlank()) {
            throw new IllegalArgumentException("path and pattern must not be blank");
        }
        if (settle.isNegative() || minInterval.isNegative()) {
            throw new IllegalArgumentException("settle and min_interval must not be negative");
        }
    }

    /**
     * How often the folder is listed: a quarter of the shorter of {@code settle} and {@code min_interval}, between
     * 100ms and 15s, so a settled file waits at most about one listing for its run.
     */
    public Duration pollInterval() {
        Duration shorter = settle.compareTo(minInterval) < 0 ? settle : minInterval;
        Duration quarter = shorter.dividedBy(4);
        if (quarter.compareTo(FASTEST_POLL) < 0) {
            return FASTEST_POLL;
        }
        return quarter.compareTo(SLOWEST_POLL) > 0 ? SLOWEST_POLL : quarter;
    }
}
