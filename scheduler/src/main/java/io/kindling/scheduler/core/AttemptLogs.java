package io.kindling.scheduler.core;

import static java.util.Objects.requireNonNull;

import io.kindling.executor.AttemptLog;
import java.nio.file.Path;

/**
 * Where attempts write their logs and how large each may grow.
 *
 * @param folder logs go to {@code <folder>/<pipeline>/<run>/<task>.<attempt>.log}
 * @param limit  the most bytes one attempt's log grows to, its start and its end kept ({@code attemptLogLimit})
 */
public record AttemptLogs(Path folder, long limit) {
    public AttemptLogs {
        requireNonNull(folder, "folder is null");
    }

    /** With the default limit. */
    public static AttemptLogs in(Path folder) {
        return new AttemptLogs(folder, AttemptLog.DEFAULT_LIMIT);
    }

    Path of(String pipelineId, String runId, String taskId, int attempt) {
        return folder.resolve(pipelineId).resolve(runId).resolve(taskId + "." + attempt + ".log");
    }
}
