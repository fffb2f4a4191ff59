package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of {@code task_attempts}.
 *
 * @param queuedAt     when the task became ready to run (the wait for a slot is startedAt - queuedAt)
 * @param repairNumber 0 for the run's first pass, n for an attempt made by its n-th repair
 * @param rendered     what the attempt ran after templating (SQL text, class or command); empty when
 *                     templating itself failed
 * @param sparkMetrics what the attempt did in Spark, as the compact JSON its executor reported (the executor's
 *                     {@code SparkMetrics}: kept opaque here, the model depends on nothing of the executors);
 *                     empty while it runs and when its executor collects none
 * @param values       the task values it published, as JSON (an object of name to value); empty when none
 * @param outcome      a condition task's outcome; empty for other tasks and while it runs
 */
public record AttemptRecord(
        String attemptId,
        String runId,
        String taskId,
        int attemptNumber,
        String executor,
        TaskState state,
        Optional<String> sparkAppId,
        Instant queuedAt,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        Optional<String> error,
        String logPath,
        int repairNumber,
        Optional<String> rendered,
        Optional<String> sparkMetrics,
        Optional<String> values,
        Optional<Boolean> outcome) {

    public AttemptRecord {
        requireNonNull(attemptId, "attemptId is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(taskId, "taskId is null");
        requireNonNull(executor, "executor is null");
        requireNonNull(state, "state is null");
        requireNonNull(sparkAppId, "sparkAppId is null");
        requireNonNull(queuedAt, "queuedAt is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(error, "error is null");
        requireNonNull(logPath, "logPath is null");
        requireNonNull(rendered, "rendered is null");
        requireNonNull(sparkMetrics, "sparkMetrics is null");
        requireNonNull(values, "values is null");
        requireNonNull(outcome, "outcome is null");
    }

    /** An attempt that published no values. */
    public AttemptRecord(
            String attemptId,
            String runId,
            String taskId,
            int attemptNumber,
            String executor,
            TaskState state,
            Optional<String> sparkAppId,
            Instant queuedAt,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt,
            Optional<String> error,
            String logPath,
            int repairNumber,
            Optional<String> rendered,
            Optional<String> sparkMetrics) {
        this(
                attemptId,
                runId,
                taskId,
                attemptNumber,
                executor,
                state,
                sparkAppId,
                queuedAt,
                startedAt,
                endedAt,
                error,
                logPath,
                repairNumber,
                rendered,
                sparkMetrics,
                Optional.empty(),
                Optional.empty());
    }

    /** An attempt without Spark metrics (not ended, or its executor collects none). */
    public AttemptRecord(
            String attemptId,
            String runId,
            String taskId,
            int attemptNumber,
            String executor,
            TaskState state,
            Optional<String> sparkAppId,
            Instant queuedAt,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt,
            Optional<String> error,
            String logPath,
            int repairNumber,
            Optional<String> rendered) {
        this(
                attemptId,
                runId,
                taskId,
                attemptNumber,
                executor,
                state,
                sparkAppId,
                queuedAt,
                startedAt,
                endedAt,
                error,
                logPath,
                repairNumber,
                rendered,
                Optional.empty());
    }
}
