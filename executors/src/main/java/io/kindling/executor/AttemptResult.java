package io.kindling.executor;

import static java.util.Objects.requireNonNull;

import io.kindling.dsl.TaskValues;
import java.util.Map;
import java.util.Optional;

/**
 * How an attempt ended. {@code error} is a one-paragraph message for people; details are in the log.
 * {@code sparkMetrics} is what it did in Spark, when its executor collects that (a failed attempt keeps the
 * figures of what ran); empty when it never reached Spark or its executor cannot tell. {@code values} are the task
 * values a succeeded attempt published (JSON-like: see {@link TaskValuesJson}), checked against the size limit.
 */
public record AttemptResult(
        Outcome outcome, Optional<String> error, Optional<SparkMetrics> sparkMetrics, Map<String, Object> values) {

    public enum Outcome {
        SUCCEEDED,
        FAILED,
        CANCELLED
    }

    public AttemptResult {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(error, "error is null");
        requireNonNull(sparkMetrics, "sparkMetrics is null");
        values = TaskValues.copy(values);
    }

    /** A result that published no values. */
    public AttemptResult(Outcome outcome, Optional<String> error, Optional<SparkMetrics> sparkMetrics) {
        this(outcome, error, sparkMetrics, Map.of());
    }

    /** A result without Spark metrics. */
    public AttemptResult(Outcome outcome, Optional<String> error) {
        this(outcome, error, Optional.empty());
    }

    public static AttemptResult succeeded() {
        return new AttemptResult(Outcome.SUCCEEDED, Optional.empty());
    }

    public static AttemptResult failed(String error) {
        return new AttemptResult(Outcome.FAILED, Optional.of(error));
    }

    public static AttemptResult cancelled(String reason) {
        return new AttemptResult(Outcome.CANCELLED, Optional.of(reason));
    }

    public AttemptResult withSparkMetrics(Optional<SparkMetrics> metrics) {
        return new AttemptResult(outcome, error, metrics, values);
    }

    /** The same result with the task values the attempt published. */
    public AttemptResult withValues(Map<String, Object> published) {
        return new AttemptResult(outcome, error, sparkMetrics, published);
    }

    /** The same result with the attempt's secrets masked in its error, which the daemon stores and shows. */
    public AttemptResult masked(Redactor redactor) {
        return new AttemptResult(outcome, error.map(redactor::mask), sparkMetrics, values);
    }

    /** The outcome and error alone, for comparing how attempts ended whatever they measured. */
    public AttemptResult withoutSparkMetrics() {
        return withSparkMetrics(Optional.empty());
    }
}
