package io.kindling.scheduler.metrics;

import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.core.RunListener;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Counts runs and task attempts as the engine reports them: {@code kindling_runs_started_total{pipeline}},
 * {@code kindling_runs_finished_total{pipeline,state}}, {@code kindling_task_attempts_started_total{pipeline,task}},
 * {@code kindling_task_attempts_finished_total{pipeline,task,state}}, {@code kindling_task_duration_seconds},
 * {@code kindling_task_queue_wait_seconds{pipeline,executor}} and the {@code kindling_runs_active} gauge. Durations
 * are measured in real time: task durations here between the engine's reports, queue waits by the engine.
 */
public final class RunMetrics implements RunListener {
    private final MeterRegistry registry;
    /** The pipeline of each run this daemon has seen start (or resumed), by run id. */
    private final Map<String, String> pipelines = new ConcurrentHashMap<>();

    private final Map<String, Long> attemptStarts = new ConcurrentHashMap<>();
    private final Function<String, Optional<String>> pipelineOf;

    /** @param pipelineOf finds the pipeline of a run resumed after a restart, whose start this daemon did not see */
    public RunMetrics(MeterRegistry registry, Function<String, Optional<String>> pipelineOf) {
        this.registry = registry;
        this.pipelineOf = pipelineOf;
        registry.gauge("kindling.runs.active", pipelines, Map::size);
    }

    @Override
    public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
        if (state == RunState.RUNNING) {
            pipelines.put(runId, pipelineId);
            Counter.builder("kindling.runs.started")
                    .description("Runs started")
                    .tag("pipeline", pipelineId)
                    .register(registry)
                    .increment();
        } else if (state.terminal()) {
            pipelines.remove(runId);
            Counter.builder("kindling.runs.finished")
                    .description("Runs finished, by final state")
                    .tag("pipeline", pipelineId)
                    .tag("state", state.name())
                    .register(registry)
                    .increment();
        }
    }

    @Override
    public void runDropped(String runId, String pipelineId) {
        pipelines.remove(runId); // another daemon runs it now, and counts it
        String prefix = runId + "/";
        attemptStarts.keySet().removeIf(key -> key.startsWith(prefix));
    }

    @Override
    public void attemptStarted(
            String runId, String pipelineId, String taskId, String executor, int attempt, Duration queueWait) {
        Timer.builder("kindling.task.queue.wait")
                .description("How long a task that was ready to run waited for its executor's slot and its start")
                .tag("pipeline", pipelineId)
                .tag("executor", executor)
                .register(registry)
                .record(queueWait);
    }

    /**
     * Adds what an attempt did in Spark to its pipeline's and task's totals ({@code kindling_task_input_bytes_total}
     * ...); a figure its executor could not give adds nothing.
     */
    @Override
    public void attemptMeasured(String runId, String pipelineId, String taskId, SparkMetrics metrics) {
        add("kindling.task.input.bytes", "Bytes Spark read", pipelineId, taskId, metrics.inputBytes());
        add("kindling.task.input.records", "Records Spark read", pipelineId, taskId, metrics.inputRecords());
        add("kindling.task.output.bytes", "Bytes Spark wrote", pipelineId, taskId, metrics.outputBytes());
        add("kindling.task.output.records", "Records Spark wrote", pipelineId, taskId, metrics.outputRecords());
        add("kindling.task.shuffle.read.bytes", "Shuffle bytes read", pipelineId, taskId, metrics.shuffleReadBytes());
        add(
                "kindling.task.shuffle.write.bytes",
                "Shuffle bytes written",
                pipelineId,
                taskId,
                metrics.shuffleWriteBytes());
        add(
                "kindling.task.spill.memory.bytes",
                "Bytes spilled, as in memory",
                pipelineId,
                taskId,
                metrics.memorySpillBytes());
        add(
                "kindling.task.spill.disk.bytes",
                "Bytes spilled, as on disk",
                pipelineId,
                taskId,
                metrics.diskSpillBytes());
    }

    /**
     * A task's label: a for-each iteration's task counts under its for-each ({@code each[]}, {@code each[].load}), so
     * that a list of a thousand items does not make a thousand series.
     */
    static String taskLabel(String taskId) {
        return taskId.indexOf('[') < 0
                ? taskId
                : ITERATION_INDEX.matcher(taskId).replaceAll("[]");
    }

    private static final java.util.regex.Pattern ITERATION_INDEX = java.util.regex.Pattern.compile("\\[\\d+]");

    private void add(String name, String description, String pipeline, String task, Long value) {
        if (value != null) {
            Counter.builder(name)
                    .description(description)
                    .tag("pipeline", pipeline)
                    .tag("task", taskLabel(task))
                    .register(registry)
                    .increment(value);
        }
    }

    @Override
    public void taskChanged(String runId, String taskId, TaskState state, int attempt, Optional<String> error) {
        String pipeline =
                pipelines.computeIfAbsent(runId, id -> pipelineOf.apply(id).orElse("unknown"));
        String key = runId + "/" + taskId;
        if (state == TaskState.RUNNING) {
            attemptStarts.put(key, System.nanoTime());
            Counter.builder("kindling.task.attempts.started")
                    .description("Task attempts started")
                    .tag("pipeline", pipeline)
                    .tag("task", taskLabel(taskId))
                    .register(registry)
                    .increment();
            return;
        }
        Long started = attemptStarts.remove(key);
        if (started == null) {
            return; // not the end of an attempt (queued again, skipped, cancelled before starting)
        }
        String outcome = state == TaskState.UP_FOR_RETRY ? "FAILED" : state.name();
        Counter.builder("kindling.task.attempts.finished")
                .description("Task attempts finished, by outcome")
                .tag("pipeline", pipeline)
                .tag("task", taskLabel(taskId))
                .tag("state", outcome)
                .register(registry)
                .increment();
        Timer.builder("kindling.task.duration")
                .description("How long task attempts ran")
                .tag("pipeline", pipeline)
                .tag("task", taskLabel(taskId))
                .tag("state", outcome)
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - started));
    }
}
