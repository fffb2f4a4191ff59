package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

/**
 * A run that a {@code run_pipeline} task's attempt made, seen from either end: the parent run, its task and attempt.
 *
 * @param pipelineId the parent run's pipeline
 */
public record RunLink(String pipelineId, String runId, String taskId, String attemptId) {
    public RunLink {
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(taskId, "taskId is null");
        requireNonNull(attemptId, "attemptId is null");
    }
}
