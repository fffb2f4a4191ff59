package io.kindling.executor;

import static java.util.Objects.requireNonNull;

import io.kindling.dsl.TaskBody;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One attempt of one task, with its templates already rendered.
 *
 * @param attemptId unique id of this attempt; executors use it as the Spark job group / tag
 * @param params    the run's parameters (passed to class tasks)
 * @param sparkConf the task's own Spark configuration, applied on top of the executor's
 * @param logFile   where the executor writes the attempt's log (created by the executor)
 * @param redactor  the attempt's secret values, masked in its log and error
 * @param libraries jar files on the daemon's disk the task's code needs (its {@code libraries:}, resolved), in
 *                  order; the executor's own {@code jars} are its business
 * @param logLimit  the most bytes its log file grows to ({@link AttemptLog}): its start and end are kept
 */
public record AttemptRequest(
        String attemptId,
        String runId,
        String pipelineId,
        String taskId,
        int attemptNumber,
        TaskBody body,
        Map<String, String> params,
        Map<String, String> sparkConf,
        Path logFile,
        Redactor redactor,
        List<Path> libraries,
        long logLimit) {

    public AttemptRequest {
        requireNonNull(attemptId, "attemptId is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(taskId, "taskId is null");
        requireNonNull(body, "body is null");
        params = Map.copyOf(params);
        sparkConf = Map.copyOf(sparkConf);
        requireNonNull(logFile, "logFile is null");
        requireNonNull(redactor, "redactor is null");
        libraries = List.copyOf(libraries);
        if (logLimit < CappedLogFile.MIN_LIMIT) {
            throw new IllegalArgumentException(
                    "logLimit must be at least " + CappedLogFile.MIN_LIMIT + " bytes, got " + logLimit);
        }
    }

    /** Where a notebook task's executed copy goes: next to the attempt's log, its name with {@code .ipynb} added. */
    public static Path notebookFile(Path logFile) {
        return logFile.resolveSibling(logFile.getFileName() + ".ipynb");
    }

    /**
     * Where the notebook runner writes each new version of the executed copy before renaming it over
     * {@link #notebookFile}: a process killed between the two leaves it behind, so whoever ends the attempt or
     * deletes its log deletes it too.
     */
    public static Path notebookTempFile(Path logFile) {
        return logFile.resolveSibling(logFile.getFileName() + ".ipynb.tmp");
    }

    /** With the default log limit. */
    public AttemptRequest(
            String attemptId,
            String runId,
            String pipelineId,
            String taskId,
            int attemptNumber,
            TaskBody body,
            Map<String, String> params,
            Map<String, String> sparkConf,
            Path logFile,
            Redactor redactor,
            List<Path> libraries) {
        this(
                attemptId,
                runId,
                pipelineId,
                taskId,
                attemptNumber,
                body,
                params,
                sparkConf,
                logFile,
                redactor,
                libraries,
                AttemptLog.DEFAULT_LIMIT);
    }

    /** An attempt that needs no libraries. */
    public AttemptRequest(
            String attemptId,
            String runId,
            String pipelineId,
            String taskId,
            int attemptNumber,
            TaskBody body,
            Map<String, String> params,
            Map<String, String> sparkConf,
            Path logFile,
            Redactor redactor) {
        this(
                attemptId,
                runId,
                pipelineId,
                taskId,
                attemptNumber,
                body,
                params,
                sparkConf,
                logFile,
                redactor,
                List.of());
    }

    /** An attempt with no secrets to mask. */
    public AttemptRequest(
            String attemptId,
            String runId,
            String pipelineId,
            String taskId,
            int attemptNumber,
            TaskBody body,
            Map<String, String> params,
            Map<String, String> sparkConf,
            Path logFile) {
        this(attemptId, runId, pipelineId, taskId, attemptNumber, body, params, sparkConf, logFile, Redactor.NONE);
    }

    /** The first line of every attempt's log: which attempt of which task, pipeline and run. */
    public String describe() {
        return "attempt " + attemptId() + ": task " + taskId() + " (attempt " + attemptNumber() + ") of pipeline "
                + pipelineId() + ", run " + runId();
    }
}
