package io.kindling.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.InMemoryRunStore;
import io.kindling.scheduler.support.ScriptedExecutor;
import io.kindling.scheduler.support.ScriptedExecutor.Outcome;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.jdbi.v3.core.ConnectionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine on the in-memory run history and a scripted executor: what it decides and writes, with no Spark and
 * no SQL, in milliseconds. {@code RunEngineTest} is the same engine on real Spark and SQLite.
 */
class EngineOnMemoryTest {
    private static final String DIAMOND = """
            pipeline: diamond
            tasks:
              - {id: a, sql: SELECT 1}
              - {id: b, sql: SELECT 1, depends_on: [a]}
              - {id: c, sql: SELECT 1, depends_on: [a]}
              - {id: d, sql: SELECT 1, depends_on: [b, c]}
            """;

    @TempDir
    Path dir;

    private final InMemoryRunStore store = InMemoryRunStore.create("daemon-1");
    private ScriptedExecutor executor;
    private RunEngine engine;

    private void open(BiFunction<String, Integer, Outcome> script) {
        open(store, script, (id, hash) -> Optional.empty());
    }

    private void open(RunStore history, BiFunction<String, Integer, Outcome> script, PipelineVersions versions) {
        executor = new ScriptedExecutor(script);
        engine = new RunEngine(
                history,
                Map.of("local", executor),
                Map.of("local", 4),
                versions,
                Clock.systemUTC(),
                dir.resolve("logs"));
        engine.start();
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private Pipeline pipeline(String yaml) {
        ParseResult parsed = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), yaml);
        return parsed.pipeline().orElseThrow(() -> new AssertionError(parsed.problems()));
    }

    private RunRecord trigger(String yaml) {
        return engine.trigger(pipeline(yaml), TriggerType.MANUAL, Instant.now(), Map.of())
                .orElseThrow();
    }

    private RunRecord awaitEnd(RunRecord run) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> store.findRun(run.runId()).orElseThrow().state().terminal());
        return store.findRun(run.runId()).orElseThrow();
    }

    private Map<String, TaskState> tasks(RunRecord run) {
        return store.taskRuns(run.runId()).stream()
                .collect(Collectors.toMap(TaskRunRecord::taskId, TaskRunRecord::state));
    }

    @Test
    void aRunDroppedBecauseItsWriteFailedStillHoldsItsPlaceInTheLane() {
        Pipeline one = pipeline("""
                pipeline: one_at_a_time
                max_active_runs: 1
                tasks:
                  - {id: a, sql: SELECT 1}
                """);
        // the in-memory history, where one attempt's start fails as it does while the database is away
        AtomicBoolean away = new AtomicBoolean();
        RunStore flaky = (RunStore) Proxy.newProxyInstance(
                RunStore.class.getClassLoader(), new Class<?>[] {RunStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("startAttempt") && away.compareAndSet(true, false)) {
                        throw new ConnectionException(new SQLException("the database is away", "08006"));
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        open(flaky, (task, attempt) -> Outcome.SUCCEED, (id, hash) -> Optional.of(one));
        away.set(true);
        RunRecord first =
                engine.trigger(one, TriggerType.MANUAL, Instant.now(), Map.of()).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> !away.get());

        RunRecord second =
                engine.trigger(one, TriggerType.MANUAL, Instant.now(), Map.of()).orElseThrow();
        engine.cancel("no-such-run"); // the engine thread has taken both runs in by now
        assertThat(store.findRun(first.runId()).orElseThrow().state())
                .as("dropped by the engine, RUNNING in the history")
                .isEqualTo(RunState.RUNNING);
        assertThat(store.findRun(second.runId()).orElseThrow().state())
                .as("the dropped run still fills the lane")
                .isEqualTo(RunState.QUEUED);

        engine.retakeUnwritten(); // the database answers again
        assertThat(awaitEnd(first).state()).isEqualTo(RunState.SUCCEEDED);
        RunRecord after = awaitEnd(second);
        assertThat(after.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(after.startedAt().orElseThrow())
                .isAfterOrEqualTo(
                        store.findRun(first.runId()).orElseThrow().endedAt().orElseThrow());
    }

    @Test
    void aDiamondRunsInDependencyOrderAndSucceeds() {
        open((task, attempt) -> Outcome.SUCCEED);
        RunRecord run = awaitEnd(trigger(DIAMOND));

        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(run.startedAt()).isPresent();
        assertThat(run.endedAt()).isPresent();
        assertThat(tasks(run))
                .containsOnly(
                        Map.entry("a", TaskState.SUCCEEDED),
                        Map.entry("b", TaskState.SUCCEEDED),
                        Map.entry("c", TaskState.SUCCEEDED),
                        Map.entry("d", TaskState.SUCCEEDED));
        assertThat(executor.started()).first().isEqualTo("a#1");
        assertThat(executor.started()).last().isEqualTo("d#1");
        assertThat(executor.started()).containsExactlyInAnyOrder("a#1", "b#1", "c#1", "d#1");
    }

    @Test
    void aFailedTaskFailsItsDownstreamAndTheRun() {
        open((task, attempt) -> task.equals("b") ? Outcome.FAIL : Outcome.SUCCEED);
        RunRecord run = awaitEnd(trigger(DIAMOND));

        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(tasks(run))
                .containsOnly(
                        Map.entry("a", TaskState.SUCCEEDED),
                        Map.entry("b", TaskState.FAILED),
                        Map.entry("c", TaskState.SUCCEEDED),
                        Map.entry("d", TaskState.UPSTREAM_FAILED));
        assertThat(executor.started()).doesNotContain("d#1");
        assertThat(store.attempts(run.runId()))
                .filteredOn(a -> a.taskId().equals("b"))
                .singleElement()
                .satisfies(a -> assertThat(a.error()).contains("scripted failure of b"));
    }

    @Test
    void aRetriedTaskSucceedsOnItsSecondAttempt() {
        open((task, attempt) -> attempt == 1 ? Outcome.FAIL : Outcome.SUCCEED);
        RunRecord run = awaitEnd(trigger("""
                pipeline: retried
                tasks:
                  - {id: a, sql: SELECT 1, retries: 2, retry_delay: 0s}
                """));

        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(executor.started()).containsExactly("a#1", "a#2");
        assertThat(store.attempts(run.runId()))
                .extracting(a -> a.state())
                .containsExactly(TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(store.taskRuns(run.runId()))
                .singleElement()
                .satisfies(t -> assertThat(t.attempts()).isEqualTo(2));
    }

    @Test
    void cancelStopsARunningAttemptAndCancelsWhatHasNotStarted() {
        open((task, attempt) -> task.equals("a") ? Outcome.HANG : Outcome.SUCCEED);
        RunRecord run = trigger(DIAMOND);
        await().atMost(Duration.ofSeconds(10)).until(() -> executor.started().contains("a#1"));

        assertThat(engine.cancel(run.runId())).isTrue();
        RunRecord ended = awaitEnd(run);

        assertThat(ended.state()).isEqualTo(RunState.CANCELLED);
        assertThat(tasks(ended))
                .containsOnly(
                        Map.entry("a", TaskState.CANCELLED),
                        Map.entry("b", TaskState.CANCELLED),
                        Map.entry("c", TaskState.CANCELLED),
                        Map.entry("d", TaskState.CANCELLED));
        assertThat(executor.started()).containsExactly("a#1");
    }

    @Test
    void aRunAdoptedByAnotherDaemonIsLeftToIt() {
        open((task, attempt) -> Outcome.HANG);
        RunRecord run = trigger(DIAMOND);
        await().atMost(Duration.ofSeconds(10)).until(() -> executor.started().contains("a#1"));

        // this daemon is taken for dead and another adopts its run: this engine's next write is fenced off
        store.history().markStopped("daemon-1");
        assertThat(store.history().store("daemon-2").adoptOrphans()).containsExactly(run.runId());
        assertThat(engine.cancel(run.runId()))
                .as("the run is no longer this engine's to cancel")
                .isFalse();

        assertThat(store.findRun(run.runId()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
        assertThat(tasks(run)).containsEntry("a", TaskState.RUNNING);
    }
}
