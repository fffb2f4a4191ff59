package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a pipeline's DAG, with the pipeline's {@code defaults:} already applied.
 *
 * @param executor  executor name from config.yml
 * @param timeout   empty means no timeout
 * @param sparkConf extra Spark configuration for this task's session
 */
public record Task(
        String id,
        List<String> dependsOn,
        TriggerRule triggerRule,
        String executor,
        RetryPolicy retry,
        Optional<Duration> timeout,
        Map<String, String> sparkConf,
        TaskBody body) {

    public Task {
        requireNonNull(id, "id is null");
        dependsOn = List.copyOf(dependsOn);
        requireNonNull(triggerRule, "triggerRule is null");
        requireNonNull(executor, "executor is null");
        requireNonNull(retry, "retry is null");
        requireNonNull(timeout, "timeout is null");
        sparkConf = Map.copyOf(sparkConf);
        requireNonNull(body, "body is null");
    }
}
