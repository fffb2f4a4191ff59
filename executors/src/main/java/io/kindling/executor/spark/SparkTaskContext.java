package io.kindling.executor.spark;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** What a {@link SparkTask} gets from the executor for one attempt. */
public interface SparkTaskContext {

    /** The attempt's own Spark session, also set as the thread's active session. */
    SparkSession spark();

    /** The task's {@code args} from the pipeline file, templates rendered. */
    Map<String, String> args();

    /** The run's parameters: the pipeline's defaults merged with the trigger's. */
    Map<String, String> params();

    String pipelineId();

    String runId();

    String taskId();

    /** 1 for the first attempt, 2 for the first retry, ... */
    int attemptNumber();

    /** The executor's working directory; the pipeline's relative paths resolve against it. */
    Path workDir();

    /** Writes a line to the attempt's log. */
    void log(String line);

    /** Whether the attempt was asked to stop (cancel, timeout, shutdown). */
    boolean cancelled();

    /**
     * Publishes a task value for the tasks after this one ({@code {{ tasks.<task>.values.<name> }}}, {@code
     * :tasks.<task>.<name>} in SQL), kept if the attempt succeeds. {@code name} is an SQL identifier; {@code value} a
     * string, number, boolean, null, or a list or map (string keys) of them. Setting a name again replaces its value.
     * All values of a task together may take at most 48 KiB as JSON: more fails the attempt.
     *
     * @throws IllegalArgumentException when the name or the value is not allowed
     * @throws UnsupportedOperationException when the executor cannot pass values on (remote executors, for now)
     */
    default void setValue(String name, Object value) {
        throw new UnsupportedOperationException("this executor does not take task values yet");
    }
}
