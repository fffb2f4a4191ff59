package io.kindling.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactories;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunStore;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pools on one daemon and a real SQLite file: a pool's size holds across pipelines whatever the executor's slots,
 * higher priority goes first, and a cancelled task gives back the place it held while it waited for a slot.
 */
class PoolsTest {
    @TempDir
    Path dir;

    private Database database;
    private Executor executor;
    private RunEngine engine;
    private RunStore dao;

    private void open(int slots, int poolSize, int millis) {
        database = TestDatabases.sqlite(dir);
        dao = new JdbiRunStore(database.jdbi(), "test-daemon");
        executor = new ExecutorFactories()
                .create(new ExecutorConfig(
                        "sleep", "sleep", slots, dir, Map.of(), Map.of("millis", String.valueOf(millis))));
        engine = new RunEngine(
                dao,
                Map.of("sleep", executor),
                Map.of("sleep", slots),
                (id, hash) -> Optional.empty(),
                Clock.systemUTC(),
                dir.resolve("logs"));
        engine.pools(Map.of("warehouse", poolSize));
        engine.start();
    }

    @AfterEach
    void close() {
        engine.close();
        executor.close();
        database.stop();
    }

    private Pipeline pipeline(String yaml) {
        ParseResult parsed = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), yaml);
        return parsed.pipeline().orElseThrow(() -> new AssertionError(parsed.problems()));
    }

    private RunRecord trigger(Pipeline pipeline) {
        return engine.trigger(pipeline, TriggerType.MANUAL, Instant.now(), Map.of())
                .orElseThrow();
    }

    private RunRecord ended(RunRecord run) {
        await().atMost(Duration.ofMinutes(1))
                .until(() -> dao.findRun(run.runId()).orElseThrow().state().terminal());
        return dao.findRun(run.runId()).orElseThrow();
    }

    private AttemptRecord onlyAttempt(RunRecord run) {
        List<AttemptRecord> attempts = dao.attempts(run.runId());
        assertThat(attempts).hasSize(1);
        return attempts.get(0);
    }

    @Test
    void aPoolOfOneRunsTheTasksOfTwoPipelinesOneAtATimeThoughTheExecutorHasFourSlots() {
        open(4, 1, 300);
        Pipeline a = pipeline("""
                pipeline: a
                tasks:
                  - {id: x, pool: warehouse, executor: sleep, sql: SELECT 1}
                  - {id: y, pool: warehouse, executor: sleep, sql: SELECT 1}
                  - {id: free, executor: sleep, sql: SELECT 1}
                """);
        Pipeline b = pipeline("pipeline: b\ntasks:\n  - {id: z, pool: warehouse, executor: sleep, sql: SELECT 1}\n");
        RunRecord first = trigger(a);
        RunRecord second = trigger(b);

        assertThat(ended(first).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(ended(second).state()).isEqualTo(RunState.SUCCEEDED);
        List<AttemptRecord> pooled = new ArrayList<>();
        dao.attempts(first.runId()).stream()
                .filter(attempt -> !attempt.taskId().equals("free"))
                .forEach(pooled::add);
        pooled.addAll(dao.attempts(second.runId()));
        pooled.sort(Comparator.comparing(attempt -> attempt.startedAt().orElseThrow()));
        assertThat(pooled).hasSize(3);
        for (int i = 1; i < pooled.size(); i++) {
            assertThat(pooled.get(i).startedAt().orElseThrow())
                    .as(
                            "%s starts after %s ended",
                            pooled.get(i).attemptId(), pooled.get(i - 1).attemptId())
                    .isAfterOrEqualTo(pooled.get(i - 1).endedAt().orElseThrow());
        }
        AttemptRecord free = dao.attempts(first.runId()).stream()
                .filter(attempt -> attempt.taskId().equals("free"))
                .findFirst()
                .orElseThrow();
        assertThat(free.startedAt().orElseThrow())
                .as("a task in no pool does not wait for the pool")
                .isBefore(pooled.get(0).endedAt().orElseThrow());
        assertThat(engine.freePlaces("warehouse")).isEqualTo(1);
    }

    @Test
    void theWaitingTaskOfHigherPriorityTakesTheFreedPlaceFirst() {
        open(4, 1, 300);
        Pipeline blocker =
                pipeline("pipeline: blocker\ntasks:\n  - {id: t, pool: warehouse, executor: sleep, sql: SELECT 1}\n");
        Pipeline low =
                pipeline("pipeline: low\ntasks:\n  - {id: t, pool: warehouse, executor: sleep, sql: SELECT 1}\n");
        Pipeline high = pipeline("""
                pipeline: high
                defaults: {pool: warehouse, priority: 10}
                tasks:
                  - {id: t, executor: sleep, sql: SELECT 1}
                """);
        RunRecord first = trigger(blocker);
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.freePlaces("warehouse") == 0);
        RunRecord lowRun = trigger(low);
        RunRecord highRun = trigger(high);

        for (RunRecord run : List.of(first, lowRun, highRun)) {
            assertThat(ended(run).state()).isEqualTo(RunState.SUCCEEDED);
        }
        assertThat(onlyAttempt(highRun).startedAt().orElseThrow())
                .as("triggered later, but of higher priority")
                .isBefore(onlyAttempt(lowRun).startedAt().orElseThrow());
    }

    @Test
    void aCancelledTaskThatHeldAPlaceWhileWaitingForAnExecutorSlotGivesItBack() {
        open(1, 2, 3000);
        Pipeline p = pipeline(
                "pipeline: p\nmax_active_runs: 2\ntasks:\n  - {id: t, pool: warehouse, executor: sleep, sql: SELECT 1}\n");
        RunRecord running = trigger(p);
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.freeSlots("sleep") == 0);
        RunRecord waiting = trigger(p);
        // the second task has its place and waits for the one executor slot
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.freePlaces("warehouse") == 0);

        assertThat(engine.cancel(waiting.runId())).isTrue();

        assertThat(ended(waiting).state()).isEqualTo(RunState.CANCELLED);
        assertThat(dao.attempts(waiting.runId())).isEmpty();
        assertThat(ended(running).state()).isEqualTo(RunState.SUCCEEDED);
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.freePlaces("warehouse") == 2);
        assertThat(engine.freeSlots("sleep")).isEqualTo(1);
    }
}
