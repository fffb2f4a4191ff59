package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Webhook names (from config.yml) to call per event.
 *
 * @param onDurationOver a run still going after this long alerts the {@code onFailure} webhooks
 * @param alertAfter     failures in a row (this run's included) before run_failed and task_failed are sent; 1: each
 * @param durationAnomaly a run or task far slower than its recent successful runs alerts the {@code onFailure} webhooks
 * @param volumeAnomaly  a task whose output records are far from its recent successful runs' alerts them too
 * @param emptyOutput    whether a task with an {@code output:} that wrote no record alerts them ({@code empty_output:})
 * @param allowEmptyOutput tasks whose {@code output:} may be empty: no {@code task_empty_output} for them
 */
public record Alerts(
        List<String> onFailure,
        List<String> onSuccess,
        List<String> onRetry,
        Optional<Duration> onDurationOver,
        int alertAfter,
        Optional<DurationAnomaly> durationAnomaly,
        Optional<VolumeAnomaly> volumeAnomaly,
        boolean emptyOutput,
        List<String> allowEmptyOutput) {

    public static final Alerts NONE = new Alerts(List.of(), List.of(), List.of(), Optional.empty());

    public Alerts {
        onFailure = List.copyOf(onFailure);
        onSuccess = List.copyOf(onSuccess);
        onRetry = List.copyOf(onRetry);
        requireNonNull(onDurationOver, "onDurationOver is null");
        if (alertAfter < 1) {
            throw new IllegalArgumentException("alertAfter must be at least 1, got " + alertAfter);
        }
        requireNonNull(durationAnomaly, "durationAnomaly is null");
        requireNonNull(volumeAnomaly, "volumeAnomaly is null");
        allowEmptyOutput = List.copyOf(allowEmptyOutput);
    }

    /** Whether a successful attempt of this task that wrote no record raises {@code task_empty_output}. */
    public boolean emptyOutputAlerts(String taskId) {
        return emptyOutput && !allowEmptyOutput.contains(taskId);
    }

    /** No output check beyond the default empty-output one. */
    public Alerts(
            List<String> onFailure,
            List<String> onSuccess,
            List<String> onRetry,
            Optional<Duration> onDurationOver,
            int alertAfter,
            Optional<DurationAnomaly> durationAnomaly) {
        this(
                onFailure,
                onSuccess,
                onRetry,
                onDurationOver,
                alertAfter,
                durationAnomaly,
                Optional.empty(),
                true,
                List.of());
    }

    /** No learned baseline. */
    public Alerts(
            List<String> onFailure,
            List<String> onSuccess,
            List<String> onRetry,
            Optional<Duration> onDurationOver,
            int alertAfter) {
        this(onFailure, onSuccess, onRetry, onDurationOver, alertAfter, Optional.empty());
    }

    /** Every failure alerts. */
    public Alerts(
            List<String> onFailure, List<String> onSuccess, List<String> onRetry, Optional<Duration> onDurationOver) {
        this(onFailure, onSuccess, onRetry, onDurationOver, 1);
    }
}
