package io.kindling.scheduler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.Alerts;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactories;
import io.kindling.scheduler.alerts.AlertPlanner;
import io.kindling.scheduler.db.AlertDelivery;
import io.kindling.scheduler.db.AlertDeliveryDao;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunStore;
import io.kindling.scheduler.db.RunStore;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon killed in the middle of a run: the next start resumes the run, nothing stays RUNNING. */
class RunEngineRecoveryTest {
    private static final String YAML = """
            pipeline: chain
            tasks:
              - id: a
                sql: SELECT 1 AS one
              - id: b
                depends_on: [a]
                retries: 1
                retry_delay: 1s
                sql: SELECT 2 AS two
              - id: c
                depends_on: [b]
                sql: SELECT 3 AS three
            """;

    @TempDir
    Path dir;

    private Database database;
    private Executor executor;
    private RunEngine engine;

    @BeforeEach
    void open() {
        database = TestDatabases.sqlite(dir);
        executor = new ExecutorFactories()
                .create(new ExecutorConfig(
                        "local",
                        "local",
                        2,
                        dir,
                        Map.of(),
                        Map.of("master", "local[2]", "stopSparkOnClose", "false", "mode", "in-process")));
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
        executor.close();
        database.stop();
    }

    @Test
    void anAttemptRunningWhenTheDaemonDiedIsFailedAndRetriedAndTheRunCompletes() {
        ParseResult parsed = new PipelineParser(ParserOptions.lenient()).parse(dir.resolve("chain.yml"), YAML);
        Pipeline pipeline = parsed.pipeline().orElseThrow(() -> new AssertionError(parsed.problems()));
        RunStore dao = new JdbiRunStore(database.jdbi(), "test-daemon");

        // What a previous life left behind: a done, b running its first attempt, c waiting.
        Instant t0 = Instant.now().minusSeconds(60);
        RunRecord run = new RunRecord(
                new RunIds(Clock.systemUTC()).next(),
                "chain",
                pipeline.contentHash(),
                Optional.empty(),
                TriggerType.MANUAL,
                t0,
                Map.of(),
                RunState.QUEUED,
                t0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        dao.insertRun(run, List.of("a", "b", "c"));
        dao.updateRunState(run.runId(), RunState.RUNNING, Optional.of(t0), Optional.empty(), Optional.empty());
        dao.startAttempt(attempt(run, "a", t0));
        dao.finishAttempt(
                run.runId() + ".a.1",
                run.runId(),
                "a",
                TaskState.SUCCEEDED,
                TaskState.SUCCEEDED,
                t0.plusSeconds(1),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        dao.startAttempt(attempt(run, "b", t0.plusSeconds(1)));

        engine = new RunEngine(
                dao,
                Map.of("local", executor),
                Map.of("local", 2),
                (id, hash) -> id.equals("chain") && hash.equals(pipeline.contentHash())
                        ? Optional.of(pipeline)
                        : Optional.empty(),
                Clock.systemUTC(),
                dir.resolve("logs"));
        engine.start();

        await().atMost(Duration.ofMinutes(1))
                .until(() -> dao.findRun(run.runId()).orElseThrow().state().terminal());
        assertThat(dao.findRun(run.runId()).orElseThrow().state()).isEqualTo(RunState.SUCCEEDED);
        Map<String, List<AttemptRecord>> attempts =
                dao.attempts(run.runId()).stream().collect(Collectors.groupingBy(AttemptRecord::taskId));
        assertThat(attempts.get("a")).hasSize(1); // not run again
        assertThat(attempts.get("b"))
                .extracting(AttemptRecord::state)
                .containsExactly(TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(attempts.get("b").get(0).error()).contains("daemon restarted while the attempt was running");
        assertThat(attempts.get("c")).extracting(AttemptRecord::state).containsExactly(TaskState.SUCCEEDED);
        assertThat(dao.taskRuns(run.runId())).extracting(TaskRunRecord::state).containsOnly(TaskState.SUCCEEDED);
        assertThat(dao.attemptsInState(TaskState.RUNNING)).isEmpty();
    }

    @Test
    void aRunOfAPipelineThatIsGoneIsFailedNotLeftRunning() {
        RunStore dao = new JdbiRunStore(database.jdbi(), "test-daemon");
        Instant t0 = Instant.now();
        RunRecord run = new RunRecord(
                new RunIds(Clock.systemUTC()).next(),
                "gone",
                "hash",
                Optional.empty(),
                TriggerType.MANUAL,
                t0,
                Map.of(),
                RunState.QUEUED,
                t0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        dao.insertRun(run, List.of("x"));

        engine = new RunEngine(
                dao,
                Map.of("local", executor),
                Map.of("local", 2),
                (id, hash) -> Optional.empty(),
                Clock.systemUTC(),
                dir.resolve("logs"));
        engine.start();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> dao.findRun(run.runId()).orElseThrow().state().terminal());
        RunRecord after = dao.findRun(run.runId()).orElseThrow();
        assertThat(after.state()).isEqualTo(RunState.FAILED);
        assertThat(after.error())
                .contains(
                        "the definition of pipeline 'gone' this run uses (version hash) can no " + "longer be loaded");
        assertThat(dao.taskRuns(run.runId())).extracting(TaskRunRecord::state).containsOnly(TaskState.CANCELLED);
    }

    @Test
    void aRunFailedForItsLostDefinitionAlertsWithTheFailure() {
        RunStore dao = new JdbiRunStore(database.jdbi(), "test-daemon");
        Instant t0 = Instant.now();
        RunRecord run = new RunRecord(
                new RunIds(Clock.systemUTC()).next(),
                "gone",
                "hash",
                Optional.empty(),
                TriggerType.MANUAL,
                t0,
                Map.of(),
                RunState.QUEUED,
                t0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        dao.insertRun(run, List.of("x"));
        dao.updateRunState(run.runId(), RunState.RUNNING, Optional.of(t0), Optional.empty(), Optional.empty());
        // no definition of "gone" is loaded: the defaults of config.yml decide who hears of it
        AlertPlanner planner = new AlertPlanner(
                Set.of("ops"),
                new Alerts(List.of("ops"), List.of(), List.of(), Optional.empty()),
                dao,
                "http://dashboard",
                Clock.systemUTC());

        engine = new RunEngine(
                dao,
                Map.of("local", executor),
                Map.of("local", 2),
                (id, hash) -> Optional.empty(),
                Clock.systemUTC(),
                dir.resolve("logs"),
                planner);
        engine.start();

        assertThat(dao.findRun(run.runId()).orElseThrow().state()).isEqualTo(RunState.FAILED);
        List<AlertDelivery> alerts = new AlertDeliveryDao(database.jdbi()).list(Optional.empty(), Optional.empty(), 10);
        assertThat(alerts).singleElement().satisfies(d -> {
            assertThat(d.eventType()).isEqualTo("run_failed");
            assertThat(d.webhook()).isEqualTo("ops");
            assertThat(d.runId()).isEqualTo(run.runId());
            assertThat(d.pipelineId()).isEqualTo("gone");
            assertThat(d.payload()).contains("can no longer be loaded", "\"state\":\"FAILED\"");
        });
    }

    private static AttemptRecord attempt(RunRecord run, String task, Instant at) {
        return new AttemptRecord(
                run.runId() + "." + task + ".1",
                run.runId(),
                task,
                1,
                "local",
                TaskState.RUNNING,
                Optional.empty(),
                at,
                Optional.of(at),
                Optional.empty(),
                Optional.empty(),
                "unused.log",
                0,
                Optional.empty());
    }
}
