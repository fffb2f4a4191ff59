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
import io.kindling.scheduler.model.ScheduledRun;
import io.kindling.scheduler.model.TaskState;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine on real Spark and a real SQLite file: slots, parallelism, and the order of what it writes. */
class RunEngineTest {
    @TempDir
    Path dir;

    private Database database;
    private Executor executor;
    private RunEngine engine;
    private RunStore dao;

    private void open(int slots) {
        database = TestDatabases.sqlite(dir);
        dao = new JdbiRunStore(database.jdbi(), "test-daemon");
        executor = new ExecutorFactories()
                .create(new ExecutorConfig(
                        "local",
                        "local",
                        slots,
                        dir,
                        Map.of(),
                        Map.of("master", "local[2]", "stopSparkOnClose", "false", "mode", "in-process")));
        engine = new RunEngine(
                dao,
                Map.of("local", executor),
                Map.of("local", slots),
                (id, hash) -> Optional.empty(),
                Clock.systemUTC(),
                dir.resolve("logs"));
        engine.start();
    }

    @AfterEach
    void close() {
        engine.close();
        executor.close();
        database.stop();
    }

    private static Pipeline pipeline(Path dir, String yaml) {
        ParseResult parsed = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("p.yml"), yaml);
        return parsed.pipeline().orElseThrow(() -> new AssertionError(parsed.problems()));
    }

    private RunRecord runToEnd(Pipeline pipeline) {
        RunRecord run = engine.trigger(pipeline, TriggerType.MANUAL, Instant.now(), Map.of())
                .orElseThrow();
        await().atMost(Duration.ofMinutes(1))
                .until(() -> dao.findRun(run.runId()).orElseThrow().state().terminal());
        return dao.findRun(run.runId()).orElseThrow();
    }

    @Test
    void oneSlotRunsIndependentTasksOneAtATimeAndRecordsTheirWait() {
        open(1);
        Pipeline p = pipeline(dir, """
                pipeline: fan
                tasks:
                  - {id: a, sql: SELECT 1 AS x}
                  - {id: b, sql: SELECT 2 AS x}
                  - {id: c, sql: SELECT 3 AS x}
                """);
        RunRecord run = runToEnd(p);

        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        List<AttemptRecord> attempts = new ArrayList<>(dao.attempts(run.runId()));
        attempts.sort(Comparator.comparing(a -> a.startedAt().orElseThrow()));
        assertThat(attempts).hasSize(3);
        for (int i = 1; i < attempts.size(); i++) {
            // the engine records an attempt's end before it hands the slot on
            assertThat(attempts.get(i).startedAt().orElseThrow())
                    .isAfterOrEqualTo(attempts.get(i - 1).endedAt().orElseThrow());
        }
        // all three were ready at once; the later ones waited for the slot
        AttemptRecord last = attempts.get(2);
        assertThat(last.queuedAt()).isBefore(attempts.get(1).endedAt().orElseThrow());
        assertThat(Duration.between(last.queuedAt(), last.startedAt().orElseThrow()))
                .isPositive();
    }

    @Test
    void aFirePreparedAheadCommitsItsRunsAtTheirTime() {
        open(2);
        Pipeline one = pipeline(dir, "pipeline: one\ntasks:\n  - {id: a, sql: SELECT 1 AS x}\n");
        Instant time = Instant.ofEpochMilli(System.currentTimeMillis() + 500);

        List<RunRecord> created = engine.triggerScheduled(List.of(new ScheduledRun(one, time)), Optional.of(time));

        assertThat(Instant.now())
                .as("returned once committed, at the runs' time")
                .isAfterOrEqualTo(time);
        assertThat(created)
                .singleElement()
                .satisfies(run -> assertThat(run.createdAt()).isEqualTo(time));
        await().atMost(Duration.ofMinutes(1))
                .until(() -> dao.findRun(created.get(0).runId())
                        .orElseThrow()
                        .state()
                        .terminal());
        assertThat(dao.findRun(created.get(0).runId()).orElseThrow().createdAt())
                .isEqualTo(time);
    }

    @Test
    void scheduledRunsOfManyPipelinesAreCreatedTogetherOncePerLogicalTimeAndRun() {
        open(2);
        Pipeline one = pipeline(dir, "pipeline: one\ntasks:\n  - {id: a, sql: SELECT 1 AS x}\n");
        Pipeline two = pipeline(dir, "pipeline: two\ntasks:\n  - {id: b, sql: SELECT 2 AS x}\n");
        Instant time = Instant.parse("2026-11-24T06:00:00Z");

        List<RunRecord> created =
                engine.triggerScheduled(List.of(new ScheduledRun(one, time), new ScheduledRun(two, time)));
        // a second fire for the same time (another daemon, a restart) creates nothing
        assertThat(engine.triggerScheduled(List.of(new ScheduledRun(one, time))))
                .isEmpty();

        assertThat(created).extracting(RunRecord::pipelineId).containsExactly("one", "two");
        assertThat(created).allSatisfy(r -> assertThat(r.trigger()).isEqualTo(TriggerType.SCHEDULE));
        for (RunRecord run : created) {
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> dao.findRun(run.runId()).orElseThrow().state().terminal());
            assertThat(dao.findRun(run.runId()).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
        }
        assertThat(dao.listRuns(Optional.of("one"), Optional.empty(), Optional.empty(), 10))
                .hasSize(1);
    }

    @Test
    void independentTasksRunInParallelAndEveryTransitionIsAnnouncedAfterItIsWritten() {
        open(2);
        Pipeline p = pipeline(dir, """
                pipeline: diamond
                tasks:
                  - {id: top, sql: SELECT 1 AS x}
                  - {id: left, depends_on: [top], sql: SELECT 2 AS x}
                  - {id: right, depends_on: [top], sql: SELECT 3 AS x}
                  - {id: bottom, depends_on: [left, right], sql: SELECT 4 AS x}
                """);
        List<String> seen = new CopyOnWriteArrayList<>();
        engine.addListener(new RunListener() {
            @Override
            public void taskChanged(String runId, String taskId, TaskState state, int attempt, Optional<String> error) {
                // the history already says what listeners are told
                String stored = dao.taskRuns(runId).stream()
                        .filter(t -> t.taskId().equals(taskId))
                        .findFirst()
                        .orElseThrow()
                        .state()
                        .name();
                seen.add(taskId + ":" + state + "=" + stored);
            }
        });
        RunRecord run = runToEnd(p);

        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
        Map<String, AttemptRecord> byTask = new java.util.HashMap<>();
        dao.attempts(run.runId()).forEach(a -> byTask.put(a.taskId(), a));
        AttemptRecord left = byTask.get("left");
        AttemptRecord right = byTask.get("right");
        // both branches started before either ended: they ran side by side
        assertThat(left.startedAt().orElseThrow())
                .isBeforeOrEqualTo(right.endedAt().orElseThrow());
        assertThat(right.startedAt().orElseThrow())
                .isBeforeOrEqualTo(left.endedAt().orElseThrow());
        assertThat(byTask.get("bottom").startedAt().orElseThrow())
                .isAfterOrEqualTo(left.endedAt().orElseThrow())
                .isAfterOrEqualTo(right.endedAt().orElseThrow());
        assertThat(seen).allSatisfy(s -> {
            String[] parts = s.split("[:=]");
            assertThat(parts[2]).as(s).isEqualTo(parts[1]);
        });
        assertThat(seen).contains("top:RUNNING=RUNNING", "top:SUCCEEDED=SUCCEEDED", "bottom:SUCCEEDED=SUCCEEDED");
    }

    private Map<String, TaskState> taskStates(RunRecord run) {
        Map<String, TaskState> states = new java.util.TreeMap<>();
        dao.taskRuns(run.runId()).forEach(t -> states.put(t.taskId(), t.state()));
        return states;
    }

    @Test
    void triggerRulesDecideWhatRunsAfterAFailureAndLeavesDecideTheRun() {
        open(3);
        Pipeline p = pipeline(dir, """
                pipeline: rules
                tasks:
                  - {id: ok, sql: SELECT 1 AS x}
                  - {id: bad, sql: SELECT nope FROM range(1)}
                  - {id: all_success, depends_on: [ok, bad], sql: SELECT 1 AS x}
                  - {id: all_done, depends_on: [ok, bad], trigger_rule: all_done, sql: SELECT 1 AS x}
                  - {id: one_failed, depends_on: [ok, bad], trigger_rule: one_failed, sql: SELECT 1 AS x}
                  - {id: one_success, depends_on: [ok, bad], trigger_rule: one_success, sql: SELECT 1 AS x}
                  - {id: all_failed, depends_on: [ok, bad], trigger_rule: all_failed, sql: SELECT 1 AS x}
                  - {id: none_failed, depends_on: [ok, bad], trigger_rule: none_failed, sql: SELECT 1 AS x}
                  - {id: after_skipped, depends_on: [all_failed], sql: SELECT 1 AS x}
                  - {id: after_upstream_failed, depends_on: [all_success], trigger_rule: all_done, sql: SELECT 1 AS x}
                """);
        RunRecord run = runToEnd(p);

        assertThat(taskStates(run))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "ok", TaskState.SUCCEEDED,
                        "bad", TaskState.FAILED,
                        "all_success", TaskState.UPSTREAM_FAILED,
                        "all_done", TaskState.SUCCEEDED,
                        "one_failed", TaskState.SUCCEEDED,
                        "one_success", TaskState.SUCCEEDED,
                        "all_failed", TaskState.SKIPPED,
                        "none_failed", TaskState.UPSTREAM_FAILED,
                        "after_skipped", TaskState.SKIPPED,
                        "after_upstream_failed", TaskState.SUCCEEDED));
        // leaves include none_failed (UPSTREAM_FAILED): the run failed, naming the task that failed
        assertThat(run.state()).isEqualTo(RunState.FAILED);
        assertThat(run.error()).contains("failed tasks: [bad FAILED]");
        // tasks that never ran have no attempts
        assertThat(dao.attempts(run.runId()))
                .extracting(AttemptRecord::taskId)
                .doesNotContain("all_success", "all_failed", "none_failed", "after_skipped");
    }

    @Test
    void aRunWhoseLeavesSucceedSucceedsEvenIfAnInnerTaskFailed() {
        open(2);
        Pipeline p = pipeline(dir, """
                pipeline: cleanup
                tasks:
                  - {id: work, sql: SELECT nope FROM range(1)}
                  - {id: cleanup, depends_on: [work], trigger_rule: all_done, sql: SELECT 1 AS x}
                """);
        RunRecord run = runToEnd(p);

        assertThat(taskStates(run))
                .containsEntry("work", TaskState.FAILED)
                .containsEntry("cleanup", TaskState.SUCCEEDED);
        assertThat(run.state()).isEqualTo(RunState.SUCCEEDED);
    }

    @Test
    void maxActiveRunsOneRunsTriggersOneAtATimeInOrder() {
        open(3);
        Pipeline p = pipeline(dir, """
                pipeline: single
                max_active_runs: 1
                tasks:
                  - {id: a, sql: SELECT 1 AS x}
                  - {id: b, depends_on: [a], sql: SELECT 2 AS x}
                """);
        List<RunRecord> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(engine.trigger(p, TriggerType.MANUAL, Instant.now(), Map.of())
                    .orElseThrow());
        }
        await().atMost(Duration.ofMinutes(1))
                .until(() -> runs.stream()
                        .allMatch(r ->
                                dao.findRun(r.runId()).orElseThrow().state().terminal()));

        List<RunRecord> ended =
                runs.stream().map(r -> dao.findRun(r.runId()).orElseThrow()).toList();
        assertThat(ended).extracting(RunRecord::state).containsOnly(RunState.SUCCEEDED);
        for (int i = 1; i < ended.size(); i++) {
            assertThat(ended.get(i).startedAt().orElseThrow())
                    .isAfterOrEqualTo(ended.get(i - 1).endedAt().orElseThrow());
        }
    }
}
