package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One node of a pipeline's DAG, with the pipeline's {@code defaults:} already applied.
 *
 * @param executor  executor name from config.yml
 * @param timeout   empty means no timeout
 * @param sparkConf extra Spark configuration for this task's session
 * @param libraries the pipeline's {@code libraries:} then the task's, each once
 * @param runIf     the condition task's outcome it runs on, if any
 * @param readsValuesOf the upstream tasks whose values its templates or SQL read: the scheduler loads values for
 *                  these alone, so a task that reads none costs nothing more to dispatch
 * @param pool      the pool (config.yml {@code pools:}) whose places its attempts take, if any
 * @param priority  among the tasks waiting for a place in the same pool or a slot of the same executor, those of
 *                  higher priority start first (default 0)
 */
public record Task(
        String id,
        List<String> dependsOn,
        TriggerRule triggerRule,
        String executor,
        RetryPolicy retry,
        Optional<Duration> timeout,
        Map<String, String> sparkConf,
        TaskBody body,
        List<Library> libraries,
        Optional<RunIf> runIf,
        Set<String> readsValuesOf,
        Optional<String> pool,
        int priority) {

    public Task {
        requireNonNull(id, "id is null");
        dependsOn = List.copyOf(dependsOn);
        requireNonNull(triggerRule, "triggerRule is null");
        requireNonNull(executor, "executor is null");
        requireNonNull(retry, "retry is null");
        requireNonNull(timeout, "timeout is null");
        sparkConf = Map.copyOf(sparkConf);
        requireNonNull(body, "body is null");
        libraries = List.copyOf(libraries);
        requireNonNull(runIf, "runIf is null");
        readsValuesOf = Set.copyOf(readsValuesOf);
        requireNonNull(pool, "pool is null");
    }

    /** A task in no pool, of the default priority. */
    public Task(
            String id,
            List<String> dependsOn,
            TriggerRule triggerRule,
            String executor,
            RetryPolicy retry,
            Optional<Duration> timeout,
            Map<String, String> sparkConf,
            TaskBody body,
            List<Library> libraries,
            Optional<RunIf> runIf,
            Set<String> readsValuesOf) {
        this(
                id,
                dependsOn,
                triggerRule,
                executor,
                retry,
                timeout,
                sparkConf,
                body,
                libraries,
                runIf,
                readsValuesOf,
                Optional.empty(),
                0);
    }

    /** A task that reads no values and has no {@code run_if}. */
    public Task(
            String id,
            List<String> dependsOn,
            TriggerRule triggerRule,
            String executor,
            RetryPolicy retry,
            Optional<Duration> timeout,
            Map<String, String> sparkConf,
            TaskBody body,
            List<Library> libraries) {
        this(
                id,
                dependsOn,
                triggerRule,
                executor,
                retry,
                timeout,
                sparkConf,
                body,
                libraries,
                Optional.empty(),
                Set.of());
    }

    /** A task that needs no libraries. */
    public Task(
            String id,
            List<String> dependsOn,
            TriggerRule triggerRule,
            String executor,
            RetryPolicy retry,
            Optional<Duration> timeout,
            Map<String, String> sparkConf,
            TaskBody body) {
        this(id, dependsOn, triggerRule, executor, retry, timeout, sparkConf, body, List.of());
    }
}
