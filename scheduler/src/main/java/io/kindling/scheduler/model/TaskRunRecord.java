package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of {@code task_runs}: a task within a run, across all its attempts.
 *
 * @param attemptBase attempts made before the latest repair; retries count from here
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
        int attemptBase) {

    public TaskRunRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(taskId, "taskId is null");
        requireNonNull(state, "state is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(nextAttemptAt, "nextAttemptAt is null");
        requireNonNull(error, "error is null");
    }
}
