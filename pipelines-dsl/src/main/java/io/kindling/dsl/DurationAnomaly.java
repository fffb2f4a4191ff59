package io.kindling.dsl;

/**
 * {@code alerts: {duration_anomaly: {k: 3, min_runs: 10}}}: a run (or task) still going after {@code k} times the
 * recent p95 duration of its pipeline's (or task's) successful runs alerts once, provided the history holds at least
 * {@code minRuns} of them.
 */
public record DurationAnomaly(double k, int minRuns) {
    public static final double DEFAULT_K = 3;
    public static final int DEFAULT_MIN_RUNS = 10;

    public DurationAnomaly {
        if (!(k >= 1) || Double.isInfinite(k)) {
            throw new IllegalArgumentException("k must be a number of at least 1, got " + k);
        }
        if (minRuns < 1) {
            throw new IllegalArgumentException("minRuns must be at least 1, got " + minRuns);
        }
    }
}
