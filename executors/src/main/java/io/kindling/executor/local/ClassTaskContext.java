package io.kindling.executor.local;

import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.TaskValuesJson;
import io.kindling.executor.spark.SparkTaskContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.SparkSession;

/** What a class task sees of its attempt on a local executor. */
final class ClassTaskContext implements SparkTaskContext {
    private final AttemptRequest request;
    private final SparkSession spark;
    private final Map<String, String> args;
    private final Path workDir;
    private final AttemptLog log;
    private final BooleanSupplier cancelled;
    /** Set from the task's thread, read once it has returned. */
    private final Map<String, Object> values = java.util.Collections.synchronizedMap(new LinkedHashMap<>());

    ClassTaskContext(
            AttemptRequest request,
            SparkSession spark,
            Map<String, String> args,
            Path workDir,
            AttemptLog log,
            BooleanSupplier cancelled) {
        this.request = request;
        this.spark = spark;
        this.args = args;
        this.workDir = workDir;
        this.log = log;
        this.cancelled = cancelled;
    }

    @Override
    public SparkSession spark() {
        return spark;
    }

    @Override
    public Map<String, String> args() {
        return args;
    }

    @Override
    public Map<String, String> params() {
        return request.params();
    }

    @Override
    public String pipelineId() {
        return request.pipelineId();
    }

    @Override
    public String runId() {
        return request.runId();
    }

    @Override
    public String taskId() {
        return request.taskId();
    }

    @Override
    public int attemptNumber() {
        return request.attemptNumber();
    }

    @Override
    public Path workDir() {
        return workDir;
    }

    @Override
    public void log(String line) {
        log.line(line);
    }

    @Override
    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    @Override
    public void setValue(String name, Object value) {
        values.put(name, TaskValuesJson.checkValue(name, value));
    }

    /** The values the task published, in the order first set. */
    Map<String, Object> values() {
        synchronized (values) {
            return new LinkedHashMap<>(values);
        }
    }
}
