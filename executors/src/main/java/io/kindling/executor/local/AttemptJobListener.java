package io.kindling.executor.local;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.spark.scheduler.JobFailed;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Registered once on the SparkContext per executor; tells each live attempt about the Spark jobs of its job
 * group (the attempt id), or of its Python process's Connect session. Runs on Spark's listener bus thread, so it only
 * hands events over.
 */
final class AttemptJobListener extends SparkListener {
    static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";

    private final Function<String, LocalAttempt> liveAttempts;
    private final Map<Integer, JobStarted> jobs = new ConcurrentHashMap<>();

    private record JobStarted(LocalAttempt attempt, long time) {}

    AttemptJobListener(Function<String, LocalAttempt> liveAttempts) {
        this.liveAttempts = liveAttempts;
    }

    /**
     * The attempt a job is part of: its job group (set on the attempt's thread), or for a job of a Python attempt's
     * Connect session, whose threads carry no group, that session's attempt; null for neither.
     */
    static String attemptOf(Properties properties) {
        String group = properties == null ? null : properties.getProperty(JOB_GROUP_PROPERTY);
        return group != null ? group : PythonSessions.attemptOf(properties);
    }

    @Override
    public void onJobStart(SparkListenerJobStart event) {
        String group = attemptOf(event.properties());
        LocalAttempt attempt = group == null ? null : liveAttempts.apply(group);
        if (attempt != null) {
            jobs.put(event.jobId(), new JobStarted(attempt, event.time()));
            attempt.jobStarted(event.jobId(), event.stageIds().size());
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
        JobStarted started = jobs.remove(event.jobId());
        if (started != null) {
            String failure =
                    event.jobResult() instanceof JobFailed failed ? Failures.message(failed.exception()) : null;
            started.attempt().jobEnded(event.jobId(), Math.max(0, event.time() - started.time()), failure);
        }
    }
}
