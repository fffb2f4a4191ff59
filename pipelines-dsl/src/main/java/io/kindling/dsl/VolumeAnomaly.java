package io.kindling.dsl;

/**
 * {@code alerts: {volume_anomaly: {k: 3, min_runs: 10}}}: a task's successful attempt whose output records fall below
 * 1/{@code k} or rise above {@code k} times the median of the task's recent successful runs alerts once, provided
 * the history holds at least {@code minRuns} of them.
 */
public record VolumeAnomaly(double k, int minRuns) {
    public static final double DEFAULT_K = 3;
    public static final int DEFAULT_MIN_RUNS = 10;

    public VolumeAnomaly {
        if (!(k > 1) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("k must be a number above 1, got " + k);
        }
        if (minRuns < 1) {
            throw new IllegalArgumentException("minRuns must be at least 1, got " + minRuns);
        }
    }

    /** Whether {@code records} is out of the band [median / k, median * k]; a median of 0 gives no band. */
    public boolean outOfBand(long records, double median) {
        return median > 0 && (records < median / k || records > median * k);
    }
}
