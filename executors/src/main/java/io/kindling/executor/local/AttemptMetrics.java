package io.kindling.executor.local;

import io.kindling.executor.SparkMetrics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.executor.TaskMetrics;

/**
 * One attempt's Spark figures, added up as Spark's listener reports its tasks, stages and jobs: sums and maxima,
 * and per running stage a {@link TaskDurations}, so the cost does not grow with the number of tasks. Written on
 * the listener thread, read by the attempt's thread.
 */
final class AttemptMetrics {
    private final String attemptId;
    private final CountDownLatch fenced = new CountDownLatch(1);

    // Guarded by this.
    private long jobsSucceeded, jobsFailed, jobsKilled;
    private long stagesSucceeded, stagesFailed, stagesKilled;
    private long tasksSucceeded, tasksFailed, tasksKilled;
    private long inputBytes, inputRecords, outputBytes, outputRecords;
    private long shuffleReadBytes, shuffleWriteBytes, memorySpill, diskSpill, peakExecutionMemory;
    private long runTimeMs, cpuTimeNanos, gcTimeMs;
    private final Map<Integer, TaskDurations> runningStages = new HashMap<>();
    private final List<SparkMetrics.StageSkew> stageSkew = new ArrayList<>();

    AttemptMetrics(String attemptId) {
        this.attemptId = attemptId;
    }

    String attemptId() {
        return attemptId;
    }

    synchronized void taskEnded(int stageId, boolean succeeded, boolean killed, long durationMs, TaskMetrics m) {
        if (succeeded) {
            tasksSucceeded++;
            runningStages.computeIfAbsent(stageId, id -> new TaskDurations()).add(durationMs);
        } else if (killed) {
            tasksKilled++;
        } else {
            tasksFailed++;
        }
        if (m == null) { // a task that failed before it measured anything
            return;
        }
        inputBytes += m.inputMetrics().bytesRead();
        inputRecords += m.inputMetrics().recordsRead();
        outputBytes += m.outputMetrics().bytesWritten();
        outputRecords += m.outputMetrics().recordsWritten();
        shuffleReadBytes += m.shuffleReadMetrics().totalBytesRead();
        shuffleWriteBytes += m.shuffleWriteMetrics().bytesWritten();
        memorySpill += m.memoryBytesSpilled();
        diskSpill += m.diskBytesSpilled();
        peakExecutionMemory = Math.max(peakExecutionMemory, m.peakExecutionMemory());
        runTimeMs += m.executorRunTime();
        cpuTimeNanos += m.executorCpuTime();
        gcTimeMs += m.jvmGCTime();
    }

    synchronized void stageEnded(int stageId, String name, String failure) {
        if (failure == null) {
            stagesSucceeded++;
        } else if (cancelled(failure)) {
            stagesKilled++;
        } else {
            stagesFailed++;
        }
        TaskDurations durations = runningStages.remove(stageId);
        if (durations != null && durations.tasks() > 0) {
            stageSkew.add(new SparkMetrics.StageSkew(
                    stageId, name, durations.tasks(), durations.median(), durations.slowest()));
            if (stageSkew.size() > 2 * SparkMetrics.MAX_STAGES) {
                keepSlowestStages();
            }
        }
    }

    synchronized void jobEnded(String failure) {
        if (failure == null) {
            jobsSucceeded++;
        } else if (cancelled(failure)) {
            jobsKilled++;
        } else {
            jobsFailed++;
        }
    }

    /** Called on the listener thread when it reaches the fence: everything posted before it has been counted. */
    void fenceReached() {
        fenced.countDown();
    }

    boolean awaitFence(long millis) throws InterruptedException {
        return fenced.await(millis, TimeUnit.MILLISECONDS);
    }

    synchronized SparkMetrics snapshot() {
        keepSlowestStages();
        return new SparkMetrics(
                new SparkMetrics.Counts(jobsSucceeded, jobsFailed, jobsKilled),
                new SparkMetrics.Counts(stagesSucceeded, stagesFailed, stagesKilled),
                new SparkMetrics.Counts(tasksSucceeded, tasksFailed, tasksKilled),
                inputBytes,
                inputRecords,
                outputBytes,
                outputRecords,
                shuffleReadBytes,
                shuffleWriteBytes,
                memorySpill,
                diskSpill,
                peakExecutionMemory,
                runTimeMs,
                TimeUnit.NANOSECONDS.toMillis(cpuTimeNanos),
                gcTimeMs,
                List.copyOf(stageSkew));
    }

    /** The stages with the slowest tasks, in stage order: the ones skew is looked for in. */
    private void keepSlowestStages() {
        if (stageSkew.size() > SparkMetrics.MAX_STAGES) {
            stageSkew.sort(Comparator.comparingLong(SparkMetrics.StageSkew::slowestTaskMs)
                    .reversed());
            stageSkew.subList(SparkMetrics.MAX_STAGES, stageSkew.size()).clear();
        }
        stageSkew.sort(Comparator.comparingInt(SparkMetrics.StageSkew::stageId));
    }

    /** Spark says a job or stage was cancelled only in its message ("cancelled", "killed"). */
    private static boolean cancelled(String failure) {
        String text = failure.toLowerCase(java.util.Locale.ROOT);
        return text.contains("cancelled") || text.contains("canceled") || text.contains("killed");
    }
}
