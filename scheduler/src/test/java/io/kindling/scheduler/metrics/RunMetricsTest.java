package io.kindling.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the engine's reports do to the meters, without an engine. */
class RunMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RunMetrics metrics = new RunMetrics(registry, runId -> Optional.of("resumed"));

    private double active() {
        return registry.get("kindling.runs.active").gauge().value();
    }

    @Test
    void aRunAnotherDaemonTookOverIsNoLongerActiveHere() {
        metrics.runChanged("r1", "p", RunState.RUNNING, Optional.empty());
        metrics.runChanged("r2", "p", RunState.RUNNING, Optional.empty());
        metrics.taskChanged("r2", "t", TaskState.RUNNING, 1, Optional.empty());
        assertThat(active()).isEqualTo(2);

        metrics.runChanged("r1", "p", RunState.SUCCEEDED, Optional.empty());
        metrics.runDropped("r2", "p");

        assertThat(active()).isZero();
        assertThat(registry.get("kindling.runs.finished")
                        .tag("pipeline", "p")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void forEachIterationsCountUnderTheirForEachNotOneSeriesEach() {
        for (int i = 0; i < 3; i++) {
            metrics.taskChanged("r1", "each[" + i + "]", TaskState.RUNNING, 1, Optional.empty());
            metrics.taskChanged("r1", "each[" + i + "].load", TaskState.RUNNING, 1, Optional.empty());
        }

        assertThat(registry.get("kindling.task.attempts.started")
                        .tag("task", "each[]")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("kindling.task.attempts.started")
                        .tag("task", "each[].load")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.find("kindling.task.attempts.started").counters()).hasSize(2);
    }

    @Test
    void eachStartedAttemptRecordsItsQueueWaitByPipelineAndExecutor() {
        metrics.attemptStarted("r1", "p", "t", "local", 1, Duration.ofMillis(250));
        metrics.attemptStarted("r1", "p", "u", "local", 1, Duration.ofMillis(750));
        metrics.attemptStarted("r2", "q", "t", "cluster", 1, Duration.ZERO);

        var local = registry.get("kindling.task.queue.wait")
                .tag("pipeline", "p")
                .tag("executor", "local")
                .timer();
        assertThat(local.count()).isEqualTo(2);
        assertThat(local.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1000);
        assertThat(registry.get("kindling.task.queue.wait")
                        .tag("pipeline", "q")
                        .tag("executor", "cluster")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aCronFireLaterThanScheduledIsTimedAndHandedOn() {
        java.time.Instant scheduled = java.time.Instant.parse("2026-01-01T00:00:00Z");
        java.util.List<String> handed = new java.util.ArrayList<>();
        FireLag lag = new FireLag(
                registry,
                java.time.Clock.fixed(scheduled.plusMillis(1500), java.time.ZoneOffset.UTC),
                (pipelines, at) -> pipelines.forEach(p -> handed.add(p.id() + "@" + at)));
        io.kindling.dsl.Pipeline nightly = pipeline("nightly");
        io.kindling.dsl.Pipeline hourly = pipeline("hourly");

        lag.fire(java.util.List.of(nightly, hourly), scheduled); // one fire of a schedule both have
        lag.fire(java.util.List.of(nightly), scheduled.plusSeconds(2)); // woken a little early: counts as on time
        // the cron trigger's fire after a fire prepared ahead, for the same time: handed on, not timed again
        lag.fire(java.util.List.of(nightly), scheduled.plusSeconds(2));

        var timer = registry.get("kindling.scheduler.lag")
                .tag("pipeline", "nightly")
                .timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        var other =
                registry.get("kindling.scheduler.lag").tag("pipeline", "hourly").timer();
        assertThat(other.count()).isEqualTo(1);
        assertThat(other.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        assertThat(handed)
                .containsExactly(
                        "nightly@" + scheduled,
                        "hourly@" + scheduled,
                        "nightly@" + scheduled.plusSeconds(2),
                        "nightly@" + scheduled.plusSeconds(2));
    }

    private static io.kindling.dsl.Pipeline pipeline(String id) {
        var parsed = new io.kindling.dsl.PipelineParser(io.kindling.dsl.ParserOptions.lenient())
                .parse(
                        java.nio.file.Path.of(id + ".yml"),
                        "pipeline: " + id + "\ntasks:\n  - {id: only, sql: SELECT 1}\n");
        return parsed.pipeline().orElseThrow(() -> new AssertionError(parsed.problems()));
    }
}
