package io.kindling.executor.local;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Adds each task, stage and job of a live attempt to its {@link AttemptMetrics}. The warm session is one long Spark
 * application, so an attempt's work is found by its job group (the attempt id), or the Connect session of its Python
 * process ({@link AttemptJobListener#attemptOf}), which only a job's start carries:
 * the job's stages are mapped to the attempt then, and its tasks are found by their stage. Registered once per
 * executor, and only when it collects metrics; it runs on Spark's listener thread and keeps no task events.
 */
final class SparkMetricsListener extends SparkListener {
    private final Function<String, AttemptMetrics> liveAttempts;
    private final Map<Integer, AttemptMetrics> stages = new ConcurrentHashMap<>();
    private final Map<Integer, AttemptMetrics> jobs = new ConcurrentHashMap<>();

    SparkMetricsListener(Function<String, AttemptMetrics> liveAttempts) {
        this.liveAttempts = liveAttempts;
    }

    /**
     * Posts a fence behind everything Spark has posted so far for the attempt: when the listener reaches it, the
     * attempt's jobs (which ended before its body returned) have been counted. Spark's listener bus is internal
     * API (public in bytecode); it is the only way to know the asynchronous listener has caught up.
     */
    static void postFence(SparkContext context, AttemptMetrics metrics) {
        context.listenerBus().post(new Fence(metrics));
    }

    /** Stops mapping an ended attempt's stages; a task of it that ends later is not counted. */
    void forget(AttemptMetrics metrics) {
        stages.values().removeIf(m -> m == metrics);
        jobs.values().removeIf(m -> m == metrics);
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
        String group = AttemptJobListener.attemptOf(event.properties());
        AttemptMetrics metrics = group == null ? null : liveAttempts.apply(group);
        if (metrics != null) {
            jobs.put(event.jobId(), metrics);
            for (StageInfo stage : CollectionConverters.asJava(event.stageInfos())) {
                stages.put(stage.stageId(), metrics);
            }
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
        AttemptMetrics metrics = jobs.remove(event.jobId());
        if (metrics != null) {
            metrics.jobEnded(
                    event.jobResult() instanceof JobFailed failed ? Failures.message(failed.exception()) : null);
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
        AttemptMetrics metrics = stages.get(event.stageId());
        if (metrics != null) {
            TaskInfo info = event.taskInfo();
            metrics.taskEnded(event.stageId(), info.successful(), info.killed(), info.duration(), event.taskMetrics());
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted event) {
        StageInfo stage = event.stageInfo();
        AttemptMetrics metrics = stages.get(stage.stageId());
        if (metrics != null) {
            metrics.stageEnded(
                    stage.stageId(),
                    stage.name(),
                    stage.failureReason().isDefined() ? stage.failureReason().get() : null);
        }
    }

    @Override
    public void onOtherEvent(SparkListenerEvent event) {
        if (event instanceof Fence fence) {
            fence.metrics().fenceReached();
        }
    }

    /** Kindling's own event: never written to an event log. */
    record Fence(AttemptMetrics metrics) implements SparkListenerEvent {
        @Override
        public boolean logEvent() {
            return false;
        }
    }
}
