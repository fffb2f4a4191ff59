package io.kindling.scheduler.core;

import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import java.time.Duration;
import java.util.Optional;

/**
 * Told of every state change after it has been written. Called on the engine's thread: implementations must
 * be quick and must not block (hand work to another thread).
 */
public interface RunListener {

    default void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {}

    default void taskChanged(String runId, String taskId, TaskState state, int attempt, Optional<String> error) {}

    /** The run is no longer this daemon's (another daemon took it over): no more changes of it will be reported. */
    default void runDropped(String runId, String pipelineId) {}

    /**
     * An attempt took a slot of {@code executor} and started, {@code queueWait} after its task became ready (the
     * trigger rule let it run, or its retry came due). Attempts followed again after a restart are not reported.
     */
    default void attemptStarted(
            String runId, String pipelineId, String taskId, String executor, int attempt, Duration queueWait) {}

    /** An attempt that ended (its end written) came with what it did in Spark. */
    default void attemptMeasured(String runId, String pipelineId, String taskId, SparkMetrics metrics) {}
}
