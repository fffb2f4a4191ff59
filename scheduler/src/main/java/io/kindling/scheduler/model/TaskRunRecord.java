package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of {@code task_runs}: a task within a run, across all its attempts.
 *
 * @param attemptBase attempts made before the latest repair; retries count from here
 * @param forEachTask for an iteration of a for-each task, that task's id
 * @param item        for an iteration, its item as JSON ({@code {"item": ...}})
 */
public record TaskRunRecord(
        String runId,
        String taskId,
        TaskState state,
        int attempts,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        Optional<Instant> nextAttemptAt,
        Optional<String> error,
        int attemptBase,
        Optional<String> forEachTask,
        Optional<String> item) {

    /** A task run that is no for-each iteration. */
    public TaskRunRecord(
            String runId,
            String taskId,
            TaskState state,
            int attempts,
            Optional<Instant> startedAt,
            Optional<Instant> endedAt,
            Optional<Instant> nextAttemptAt,
            Optional<String> error,
            int attemptBase) {
        this(
                runId,
                taskId,
                state,
                attempts,
                startedAt,
                endedAt,
                nextAttemptAt,
                error,
                attemptBase,
                Optional.empty(),
                Optional.empty());
    }

    public TaskRunRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(taskId, "taskId is null");
        requireNonNull(state, "state is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(nextAttemptAt, "nextAttemptAt is null");
        requireNonNull(error, "error is null");
        requireNonNull(forEachTask, "forEachTask is null");
        requireNonNull(item, "item is null");
    }
}
