package io.kindling.executor.local;

import io.kindling.executor.SparkMetrics;
import org.apache.spark.SparkContext;

/**
 * One attempt's Spark metrics in a driver of its own (the cluster runner's): the same listener as the local
 * executor's, following the attempt's job group.
 */
public final class DriverMetrics {
    private static final long FENCE_WAIT_MILLIS = 3_000;

    private final SparkContext context;
    private final AttemptMetrics metrics;
    private final SparkMetricsListener listener;

    private DriverMetrics(SparkContext context, String attemptId) {
        this.context = context;
        this.metrics = new AttemptMetrics(attemptId);
        this.listener = new SparkMetricsListener(group -> group.equals(attemptId) ? metrics : null);
    }

    /** Starts following the jobs of job group {@code attemptId}; call before the attempt's first job. */
    public static DriverMetrics follow(SparkContext context, String attemptId) {
        DriverMetrics driver = new DriverMetrics(context, attemptId);
        context.addSparkListener(driver.listener);
        return driver;
    }

    /** What the attempt did so far, once the listener has caught up with it (or after 3 s). */
    public SparkMetrics collect() throws InterruptedException {
        SparkMetricsListener.postFence(context, metrics);
        metrics.awaitFence(FENCE_WAIT_MILLIS);
        return metrics.snapshot();
    }
}
