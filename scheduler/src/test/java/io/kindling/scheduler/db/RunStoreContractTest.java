package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.InMemoryRunStore;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The run history's contract, held on a real SQLite file, a real PostgreSQL server and the in-memory twin the
 * engine tests use: the same calls must behave the same on all three.
 */
class RunStoreContractTest {
    private static final Instant T0 = Instant.parse("2026-11-24T06:00:00Z");

    @TempDir
    static Path folder;

    private Backend opened;
    private final RunIds ids = new RunIds(Clock.systemUTC());

    /** One history: stores for owners that are live daemons on it, and a way to stop one. */
    interface Backend extends AutoCloseable {
        RunStore store(String owner);

        void markStopped(String owner);

        @Override
        void close();
    }

    static Stream<Arguments> stores() {
        return Stream.of(
                Arguments.of("sqlite", (Supplier<Backend>)
                        () -> sql(TestDatabases.sqlite(folder.resolve("db-" + System.nanoTime())))),
                Arguments.of("postgresql", (Supplier<Backend>) () -> sql(TestDatabases.postgres())),
                Arguments.of("memory", (Supplier<Backend>) RunStoreContractTest::memory));
    }

    private static Backend sql(Database database) {
        DaemonDao daemons = new DaemonDao(database.jdbi());
        Set<String> registered = new HashSet<>();
        return new Backend() {
            @Override
            public RunStore store(String owner) {
                if (registered.add(owner)) {
                    daemons.register(new DaemonRecord(
                            owner, "node-" + owner, "host", 1, T0, T0, Optional.empty(), Optional.empty()));
                }
                return new JdbiRunStore(database.jdbi(), owner);
            }

            @Override
            public void markStopped(String owner) {
                daemons.markStopped(owner, T0.plusSeconds(30), "no heartbeat");
            }

            @Override
            public void close() {
                database.stop();
            }
        };
    }

    private static Backend memory() {
        InMemoryRunStore.History history = new InMemoryRunStore.History();
        return new Backend() {
            @Override
            public RunStore store(String owner) {
                return history.store(owner);
            }

            @Override
            public void markStopped(String owner) {
                history.markStopped(owner);
            }

            @Override
            public void close() {}
        };
    }

    private Backend open(Supplier<Backend> backend) {
        opened = backend.get();
        return opened;
    }

    @AfterEach
    void close() {
        if (opened != null) {
            opened.close();
        }
    }

    private RunRecord run(String pipeline, TriggerType trigger, Instant logicalTime) {
        return new RunRecord(
                ids.next(),
                pipeline,
                "hash",
                Optional.empty(),
                trigger,
                logicalTime,
                Map.of("min_age", "21"),
                RunState.QUEUED,
                Instant.ofEpochMilli(1_000),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aRunAndItsTasksAreStoredTogether(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        RunRecord run = run("p", TriggerType.MANUAL, Instant.parse("2026-11-24T06:00:00Z"));
        assertThat(dao.insertRun(run, List.of("a", "b"))).isTrue();

        assertThat(dao.findRun(run.runId())).contains(run);
        assertThat(dao.taskRuns(run.runId()))
                .extracting(TaskRunRecord::taskId, TaskRunRecord::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", TaskState.QUEUED),
                        org.assertj.core.groups.Tuple.tuple("b", TaskState.QUEUED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void givenItsOwnRunningRunsAStoreCountsOnlyOtherOwnersRunsInTheHistory(String name, Supplier<Backend> backend) {
        Backend history = open(backend);
        RunStore a = history.store("a");
        RunStore b = history.store("b");
        Instant time = Instant.parse("2026-12-05T06:00:00Z");
        RunRecord mine = run("p", TriggerType.MANUAL, time);
        RunRecord theirs = run("p", TriggerType.MANUAL, time);
        RunRecord next = run("p", TriggerType.MANUAL, time);
        BackfillRecord backfill = new BackfillRecord(ids.next(), "p", time, time, 1, time);
        RunRecord inBackfill = backfillRun(backfill, time);
        b.insertRun(mine, List.of("t"));
        a.insertRun(theirs, List.of("t"));
        b.insertRun(next, List.of("t"));
        b.insertBackfill(backfill, List.of(inBackfill), List.of("t"));
        assertThat(b.startRunInLane(mine.runId(), "p", Optional.empty(), 10, OptionalInt.empty(), time))
                .isTrue();
        assertThat(a.startRunInLane(theirs.runId(), "p", Optional.empty(), 10, OptionalInt.empty(), time))
                .isTrue();

        assertThat(b.startRunInLane(next.runId(), "p", Optional.empty(), 3, OptionalInt.of(2), time))
                .as("a's run and the two b says it drives fill a lane of three")
                .isFalse();
        assertThat(b.startRunInLane(next.runId(), "p", Optional.empty(), 3, OptionalInt.of(1), time))
                .as("b's own RUNNING run in the history is not counted again: b said it drives one")
                .isTrue();
        assertThat(b.findRun(next.runId()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
        assertThat(b.startRunInLane(
                        inBackfill.runId(), "p", Optional.of(backfill.backfillId()), 1, OptionalInt.of(0), time))
                .as("a backfill's lane holds only its own runs")
                .isTrue();

        RunRecord last = run("p", TriggerType.MANUAL, time);
        b.insertRun(last, List.of("t"));
        a.releaseUnfinished(); // a clean stop: its run is unowned now, still RUNNING, so still counted
        assertThat(b.startRunInLane(last.runId(), "p", Optional.empty(), 3, OptionalInt.of(2), time))
                .as("an unowned RUNNING run still holds its place")
                .isFalse();
        assertThat(b.startRunInLane(last.runId(), "p", Optional.empty(), 4, OptionalInt.empty(), time))
                .as("counting every RUNNING run: three of four")
                .isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aRunStartsOnlyWhileItsLaneHasRoomWhicheverDaemonDrivesTheOthers(String name, Supplier<Backend> backend) {
        Backend history = open(backend);
        RunStore a = history.store("a");
        RunStore b = history.store("b");
        Instant time = Instant.parse("2026-11-24T06:00:00Z");
        RunRecord first = run("p", TriggerType.MANUAL, time);
        RunRecord second = run("p", TriggerType.MANUAL, time);
        RunRecord other = run("q", TriggerType.MANUAL, time);
        a.insertRun(first, List.of("t"));
        b.insertRun(second, List.of("t"));
        b.insertRun(other, List.of("t"));

        assertThat(a.startRunInLane(first.runId(), "p", Optional.empty(), 1, OptionalInt.empty(), time))
                .isTrue();
        assertThat(b.startRunInLane(second.runId(), "p", Optional.empty(), 1, OptionalInt.empty(), time))
                .as("the lane is full with a's run")
                .isFalse();
        assertThat(b.findRun(second.runId()).orElseThrow().state()).isEqualTo(RunState.QUEUED);
        assertThat(b.startRunInLane(other.runId(), "q", Optional.empty(), 1, OptionalInt.empty(), time))
                .as("another pipeline's lane")
                .isTrue();
        assertThat(b.startRunInLane(second.runId(), "p", Optional.empty(), 2, OptionalInt.empty(), time))
                .as("room for two")
                .isTrue();
        assertThat(b.findRun(second.runId()).orElseThrow().state()).isEqualTo(RunState.RUNNING);
        assertThat(b.findRun(second.runId()).orElseThrow().startedAt()).contains(time);
        RunRecord third = run("p", TriggerType.MANUAL, time);
        b.insertRun(third, List.of("t"));
        assertThat(b.startRunInLane(third.runId(), "p", Optional.empty(), 2, OptionalInt.empty(), time))
                .as("two running fill a lane of two")
                .isFalse();
        assertThat(b.findRun(third.runId()).orElseThrow().startedAt()).isEmpty();
        assertThat(b.startRunInLane(third.runId(), "p", Optional.empty(), 3, OptionalInt.empty(), time))
                .as("room for three")
                .isTrue();
        assertThatThrownBy(() -> b.startRunInLane(first.runId(), "p", Optional.empty(), 5, OptionalInt.empty(), time))
                .as("a run of another owner")
                .isInstanceOf(RunFencedException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anAttemptStartsOnlyWhileItsPoolAndClusterExecutorHaveRoomWhicheverDaemonRunsTheOthers(
            String name, Supplier<Backend> backend) {
        Backend history = open(backend);
        RunStore a = history.store("a");
        RunStore b = history.store("b");
        RunRecord first = run();
        RunRecord second = run();
        a.insertRun(first, List.of("t", "u"));
        b.insertRun(second, List.of("t", "u"));
        AttemptLimit pool = AttemptLimit.pool("warehouse", 1);
        AttemptLimit cluster = AttemptLimit.executor("local", 2);

        assertThat(a.startAttempt(attempt(first, "t"), List.of(pool, cluster))).isEmpty();
        assertThat(b.startAttempt(attempt(second, "t"), List.of(cluster, pool)))
                .as("a's attempt holds the pool's one place")
                .contains(pool);
        assertThat(b.attempts(second.runId())).as("nothing written").isEmpty();
        assertThat(b.taskRuns(second.runId()))
                .allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.QUEUED));
        assertThat(b.startAttempt(attempt(second, "u"), List.of(cluster)))
                .as("in no pool, one of the executor's two slots is free")
                .isEmpty();
        assertThat(a.startAttempt(attempt(first, "u"), List.of(cluster)))
                .as("both slots taken, by two daemons")
                .contains(cluster);

        a.finishAttempt(
                attempt(first, "t").attemptId(),
                first.runId(),
                "t",
                TaskState.SUCCEEDED,
                TaskState.SUCCEEDED,
                T0.plusSeconds(1),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
        assertThat(b.startAttempt(attempt(second, "t"), List.of(pool, cluster)))
                .as("a's attempt ended: its place and slot are free")
                .isEmpty();
        assertThatThrownBy(() -> b.startAttempt(attempt(first, "u"), List.of(pool)))
                .as("a run of another owner")
                .isInstanceOf(RunFencedException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aScheduledLogicalTimeMakesAtMostOneRun(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        Instant time = Instant.parse("2026-11-24T06:00:00Z");
        assertThat(dao.insertRun(run("p", TriggerType.SCHEDULE, time), List.of("a")))
                .isTrue();
        assertThat(dao.insertRun(run("p", TriggerType.SCHEDULE, time), List.of("a")))
                .isFalse();
        // other pipelines, other times and manual runs are not affected
        assertThat(dao.insertRun(run("q", TriggerType.SCHEDULE, time), List.of("a")))
                .isTrue();
        assertThat(dao.insertRun(run("p", TriggerType.SCHEDULE, time.plusSeconds(60)), List.of("a")))
                .isTrue();
        assertThat(dao.insertRun(run("p", TriggerType.MANUAL, time), List.of("a")))
                .isTrue();
        assertThat(dao.insertRun(run("p", TriggerType.MANUAL, time), List.of("a")))
                .isTrue();

        assertThat(dao.listRuns(Optional.of("p"), Optional.empty(), Optional.empty(), 100))
                .hasSize(4);
        assertThat(dao.taskRuns(dao.listRuns(Optional.of("p"), Optional.empty(), Optional.empty(), 100)
                        .get(3)
                        .runId()))
                .hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aFilesRunRecordsItsFilesAndTwoDaemonsReadingOneStateMakeOneRun(String name, Supplier<Backend> backend) {
        Backend history = open(backend);
        RunStore a = history.store("a");
        RunStore b = history.store("b");
        TriggerFile x = new TriggerFile("file:/in/x.csv", 10, T0);
        TriggerFile y = new TriggerFile("file:/in/y.csv", 20, T0.plusSeconds(1));
        FileTriggerState none = a.fileTriggerState("landing");
        assertThat(none).isEqualTo(FileTriggerState.NONE);

        RunRecord first = run("landing", TriggerType.FILES, T0);
        assertThat(a.insertFilesRun(first, List.of("t"), none, List.of(x, y))).isTrue();
        // b read the state before a's run: its run would fire for x again, and is refused whole
        RunRecord duplicate = run("landing", TriggerType.FILES, T0);
        assertThat(b.insertFilesRun(duplicate, List.of("t"), none, List.of(x))).isFalse();
        assertThat(b.findRun(duplicate.runId())).isEmpty();

        FileTriggerState after = b.fileTriggerState("landing");
        assertThat(after.generation()).isEqualTo(1);
        assertThat(after.lastFired()).contains(first.createdAt());
        assertThat(after.isNew(x)).isFalse();
        TriggerFile changed = new TriggerFile(x.path(), 11, T0.plusSeconds(5));
        assertThat(after.isNew(changed)).isTrue();
        assertThat(b.triggerFiles(first.runId())).containsExactly(x, y);

        RunRecord second = run("landing", TriggerType.FILES, T0.plusSeconds(60));
        assertThat(b.insertFilesRun(second, List.of("t"), after, List.of(changed)))
                .isTrue();
        FileTriggerState last = a.fileTriggerState("landing");
        assertThat(last.generation()).isEqualTo(2);
        assertThat(last.seen()).containsEntry(x.path(), changed).containsEntry(y.path(), y);
        assertThat(a.triggerFiles(second.runId())).containsExactly(changed);
        assertThat(a.triggerFiles(first.runId())).containsExactly(x, y);
        assertThat(a.fileTriggerState("other")).isEqualTo(FileTriggerState.NONE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aRunPipelineAttemptMakesOneChildRunLinkedBothWays(String name, Supplier<Backend> backend) {
        Backend history = open(backend);
        RunStore a = history.store("a");
        RunStore b = history.store("b");
        RunRecord parent = run("parent", TriggerType.MANUAL, T0);
        assertThat(a.insertRun(parent, List.of("go"))).isTrue();
        AttemptRecord attempt = attempt(parent, "go");
        a.startAttempt(attempt);
        RunLink link = new RunLink("parent", parent.runId(), "go", attempt.attemptId());
        String key = "parent:" + parent.runId() + ":go:1";
        RunRecord child = run("child", TriggerType.PIPELINE, T0);

        assertThat(a.insertChildRun(child, List.of("t"), key, link)).isTrue();
        // the same attempt followed again, by another daemon: its run is there already
        assertThat(b.insertChildRun(run("child", TriggerType.PIPELINE, T0), List.of("t"), key, link))
                .isFalse();
        assertThat(b.runByKey("child", key)).contains(child);
        assertThat(b.listRuns(Optional.of("child"), Optional.empty(), Optional.empty(), 100))
                .hasSize(1);
        assertThat(b.parentOf(child.runId())).contains(link);
        assertThat(b.parentOf(parent.runId())).isEmpty();
        assertThat(b.childRuns(parent.runId())).containsOnlyKeys(attempt.attemptId());
        assertThat(b.childRuns(parent.runId()).get(attempt.attemptId()).runId()).isEqualTo(child.runId());
        assertThat(b.childRuns(child.runId())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aKeyMakesAtMostOneRunOfItsPipelineAcrossDaemons(String name, Supplier<Backend> backend) {
        Backend history = open(backend);
        RunStore a = history.store("a");
        RunStore b = history.store("b");
        RunRecord first = run("report", TriggerType.UPSTREAM, T0);
        assertThat(a.insertKeyedRun(first, List.of("t"), "date:2026-11-24")).isTrue();

        assertThat(b.insertKeyedRun(run("report", TriggerType.UPSTREAM, T0), List.of("t"), "date:2026-11-24"))
                .isFalse();
        assertThat(b.insertKeyedRun(run("other", TriggerType.UPSTREAM, T0), List.of("t"), "date:2026-11-24"))
                .isTrue();
        assertThat(b.insertKeyedRun(run("report", TriggerType.UPSTREAM, T0), List.of("t"), "date:2026-11-25"))
                .isTrue();
        assertThat(a.listRuns(Optional.of("report"), Optional.empty(), Optional.empty(), 100))
                .hasSize(2);
        assertThat(a.taskRuns(first.runId())).hasSize(1);
        assertThat(b.runByKey("report", "date:2026-11-24")).contains(first);
        assertThat(b.runByKey("report", "date:2026-11-26")).isEmpty();
        assertThat(b.runKey("report", first.runId())).contains("date:2026-11-24");
        assertThat(b.runKey("other", first.runId())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void runsBetweenTwoLogicalTimesComeOldestFirstWhateverMadeThemAndEndedOnesInTheOrderTheyEnded(
            String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        RunRecord manual = run("p", TriggerType.MANUAL, T0.plusSeconds(60));
        RunRecord scheduled = run("p", TriggerType.SCHEDULE, T0);
        RunRecord upstream = run("p", TriggerType.UPSTREAM, T0.plusSeconds(120));
        for (RunRecord run : List.of(
                manual,
                scheduled,
                upstream,
                run("p", TriggerType.MANUAL, T0.plusSeconds(3600)),
                run("q", TriggerType.MANUAL, T0))) {
            dao.insertRun(run, List.of("t"));
        }

        assertThat(dao.runsBetween("p", T0, T0.plusSeconds(3600)))
                .extracting(RunRecord::runId)
                .containsExactly(scheduled.runId(), manual.runId(), upstream.runId());

        dao.updateRunState(
                upstream.runId(),
                RunState.SUCCEEDED,
                Optional.of(T0),
                Optional.of(T0.plusSeconds(10)),
                Optional.empty());
        dao.updateRunState(
                manual.runId(), RunState.FAILED, Optional.of(T0), Optional.of(T0.plusSeconds(5)), Optional.empty());
        dao.updateRunState(
                scheduled.runId(), RunState.FAILED, Optional.of(T0), Optional.of(T0.minusSeconds(5)), Optional.empty());
        assertThat(dao.runsEndedSince("p", T0))
                .extracting(RunRecord::runId)
                .containsExactly(manual.runId(), upstream.runId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void manyScheduledRunsAreStoredInOneGoLeavingOutTimesThatHaveARun(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        Instant time = Instant.parse("2026-11-24T06:00:00Z");
        RunRecord earlier = run("p", TriggerType.SCHEDULE, time);
        dao.insertRun(earlier, List.of("a"));
        RunRecord duplicate = run("p", TriggerType.SCHEDULE, time);
        RunRecord q = run("q", TriggerType.SCHEDULE, time);
        RunRecord r = run("r", TriggerType.SCHEDULE, time);

        List<RunRecord> inserted = dao.insertRuns(
                List.of(q, duplicate, r), run -> run.pipelineId().equals("r") ? List.of("x", "y") : List.of("a"));

        assertThat(inserted).containsExactly(q, r);
        assertThat(dao.findRun(duplicate.runId())).isEmpty();
        assertThat(dao.findRun(q.runId())).contains(q);
        assertThat(dao.taskRuns(q.runId())).extracting(TaskRunRecord::taskId).containsExactly("a");
        assertThat(dao.taskRuns(r.runId())).extracting(TaskRunRecord::taskId).containsExactly("x", "y");
        assertThat(dao.insertRuns(List.of(), run -> List.of("a"))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void runsInsertedTogetherAreSeenByNoOneBeforeTheirCommit(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        RunRecord q = run("q", TriggerType.SCHEDULE, Instant.parse("2026-11-24T06:00:00Z"));
        List<Optional<RunRecord>> seenBeforeCommit = new ArrayList<>();

        // what a fire prepared ahead does while it waits for its time; read on another thread, as Jdbi lends a
        // nested call on the same thread the transaction's own handle
        List<RunRecord> inserted = dao.insertRuns(
                List.of(q),
                run -> List.of("a"),
                () -> seenBeforeCommit.add(CompletableFuture.supplyAsync(() -> dao.findRun(q.runId()))
                        .join()));

        assertThat(inserted).containsExactly(q);
        assertThat(seenBeforeCommit).as("the run, read before the commit").containsExactly(Optional.empty());
        assertThat(dao.findRun(q.runId())).contains(q);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void attemptsMoveTheirTaskRun(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        RunRecord run = run("p", TriggerType.MANUAL, Instant.EPOCH);
        dao.insertRun(run, List.of("a"));
        Instant t0 = Instant.ofEpochMilli(10_000);
        dao.startAttempt(new AttemptRecord(
                run.runId() + ".a.1",
                run.runId(),
                "a",
                1,
                "local",
                TaskState.RUNNING,
                Optional.empty(),
                t0,
                Optional.of(t0.plusMillis(5)),
                Optional.empty(),
                Optional.empty(),
                "x.log",
                0,
                Optional.of("SELECT 1")));
        assertThat(dao.taskRuns(run.runId()).get(0).state()).isEqualTo(TaskState.RUNNING);
        assertThat(dao.taskRuns(run.runId()).get(0).attempts()).isEqualTo(1);

        dao.finishAttempt(
                run.runId() + ".a.1",
                run.runId(),
                "a",
                TaskState.FAILED,
                TaskState.UP_FOR_RETRY,
                t0.plusSeconds(1),
                Optional.of("boom"),
                Optional.of(t0.plusSeconds(31)),
                Optional.of("local-1"));
        TaskRunRecord task = dao.taskRuns(run.runId()).get(0);
        assertThat(task.state()).isEqualTo(TaskState.UP_FOR_RETRY);
        assertThat(task.nextAttemptAt()).contains(t0.plusSeconds(31));
        assertThat(task.endedAt()).isEmpty();
        AttemptRecord attempt = dao.attempts(run.runId()).get(0);
        assertThat(attempt.state()).isEqualTo(TaskState.FAILED);
        assertThat(attempt.error()).contains("boom");
        assertThat(attempt.sparkAppId()).contains("local-1");
        assertThat(attempt.queuedAt()).isEqualTo(t0);
        assertThat(attempt.startedAt()).contains(t0.plusMillis(5));

        dao.updateTaskStates(run.runId(), List.of("a"), TaskState.UPSTREAM_FAILED, Optional.of(t0), Optional.of("x"));
        assertThat(dao.taskRuns(run.runId()).get(0).state()).isEqualTo(TaskState.UPSTREAM_FAILED);
        assertThat(dao.attemptsInState(TaskState.FAILED))
                .extracting(AttemptRecord::attemptId)
                .containsExactly(run.runId() + ".a.1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anAttemptKeepsItsSparkMetricsWithAbsentFiguresAbsent(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        RunRecord run = run("p", TriggerType.MANUAL, Instant.EPOCH);
        dao.insertRun(run, List.of("a", "b"));
        Instant t0 = Instant.ofEpochMilli(10_000);
        for (String task : List.of("a", "b")) {
            dao.startAttempt(new AttemptRecord(
                    run.runId() + "." + task + ".1",
                    run.runId(),
                    task,
                    1,
                    "local",
                    TaskState.RUNNING,
                    Optional.empty(),
                    t0,
                    Optional.of(t0),
                    Optional.empty(),
                    Optional.empty(),
                    task + ".log",
                    0,
                    Optional.empty()));
        }
        SparkMetrics metrics = new SparkMetrics(
                new SparkMetrics.Counts(2L, 1L, 0L),
                new SparkMetrics.Counts(3L, 1L, null),
                new SparkMetrics.Counts(8L, 1L, 2L),
                4096L,
                1000L,
                2048L,
                1000L,
                512L,
                512L,
                0L,
                0L,
                65536L,
                900L,
                700L,
                null, // a figure the executor cannot give stays absent
                List.of(new SparkMetrics.StageSkew(4, "save at X.java:10", 8, 100, 900)));

        dao.finishAttempt(
                run.runId() + ".a.1",
                run.runId(),
                "a",
                TaskState.FAILED,
                TaskState.FAILED,
                t0.plusSeconds(1),
                Optional.of("boom"),
                Optional.empty(),
                Optional.of("local-1"),
                Optional.of(metrics),
                List.of());
        dao.finishAttempt(
                run.runId() + ".b.1",
                run.runId(),
                "b",
                TaskState.SUCCEEDED,
                TaskState.SUCCEEDED,
                t0.plusSeconds(1),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());

        List<AttemptRecord> attempts = dao.attempts(run.runId());
        assertThat(attempts.get(0).sparkMetrics()).hasValueSatisfying(json -> {
            assertThat(SparkMetrics.fromJson(json)).isEqualTo(metrics);
            assertThat(json).doesNotContain("gc_time_ms").contains("\"output_records\":1000");
        });
        assertThat(attempts.get(1).sparkMetrics()).isEmpty();
        assertThat(dao.attempts(List.of(run.runId())).get(0).sparkMetrics())
                .isEqualTo(attempts.get(0).sparkMetrics());

        // a later run's look at each task's successful history: a failed attempt, or one without metrics, is none
        String later = run.runId() + "~";
        assertThat(dao.previousSuccessfulMetrics("p", "a", later, 10)).isEmpty();
        assertThat(dao.previousSuccessfulMetrics("p", "b", later, 10)).isEmpty();
        RunRecord next = run("p", TriggerType.MANUAL, Instant.EPOCH.plusSeconds(60));
        dao.insertRun(next, List.of("a"));
        dao.startAttempt(new AttemptRecord(
                next.runId() + ".a.1",
                next.runId(),
                "a",
                1,
                "local",
                TaskState.RUNNING,
                Optional.empty(),
                t0,
                Optional.of(t0),
                Optional.empty(),
                Optional.empty(),
                "a.log",
                0,
                Optional.empty()));
        dao.finishAttempt(
                next.runId() + ".a.1",
                next.runId(),
                "a",
                TaskState.SUCCEEDED,
                TaskState.SUCCEEDED,
                t0.plusSeconds(1),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(metrics),
                List.of());
        assertThat(dao.previousSuccessfulMetrics("p", "a", next.runId() + "~", 10))
                .singleElement()
                .satisfies(json ->
                        assertThat(SparkMetrics.fromJson(json).outputRecords()).isEqualTo(1000L));
        assertThat(dao.previousSuccessfulMetrics("p", "a", next.runId(), 10)).isEmpty(); // only runs before it
        assertThat(dao.previousSuccessfulMetrics("other", "a", next.runId() + "~", 10))
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void runsPageNewestFirstByKeyset(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        for (int i = 0; i < 5; i++) {
            dao.insertRun(run(i % 2 == 0 ? "even" : "odd", TriggerType.MANUAL, Instant.EPOCH), List.of("a"));
        }
        List<RunRecord> all = dao.listRuns(Optional.empty(), Optional.empty(), Optional.empty(), 10);
        assertThat(all).hasSize(5);
        assertThat(all).extracting(RunRecord::runId).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        List<RunRecord> page1 = dao.listRuns(Optional.empty(), Optional.empty(), Optional.empty(), 2);
        List<RunRecord> page2 = dao.listRuns(
                Optional.empty(), Optional.empty(), Optional.of(page1.get(1).runId()), 2);
        assertThat(page2)
                .extracting(RunRecord::runId)
                .containsExactly(all.get(2).runId(), all.get(3).runId());

        assertThat(dao.listRuns(Optional.of("even"), Optional.empty(), Optional.empty(), 10))
                .hasSize(3);
        dao.updateRunState(
                all.get(0).runId(),
                RunState.FAILED,
                Optional.of(Instant.EPOCH),
                Optional.of(Instant.EPOCH),
                Optional.of("x"));
        assertThat(dao.listRuns(Optional.empty(), Optional.of(RunState.FAILED), Optional.empty(), 10))
                .extracting(RunRecord::runId)
                .containsExactly(all.get(0).runId());
        assertThat(dao.unfinishedRuns()).as("the owner's unfinished runs").hasSize(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void recentRunsAreTheNewestOfEachPipelineNewestFirst(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        List<String> busy = new java.util.ArrayList<>();
        List<String> quiet = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            RunRecord r = run(i % 10 == 3 ? "quiet" : "busy", TriggerType.MANUAL, Instant.EPOCH);
            dao.insertRun(r, List.of("a"));
            (r.pipelineId().equals("busy") ? busy : quiet).add(0, r.runId());
        }
        dao.insertRun(run("not-asked", TriggerType.MANUAL, Instant.EPOCH), List.of("a"));

        Map<String, List<RunRecord>> recent = dao.recentRuns(List.of("quiet", "busy", "never-ran"), 20);
        assertThat(recent).containsOnlyKeys("quiet", "busy", "never-ran");
        assertThat(recent.get("busy")).extracting(RunRecord::runId).containsExactlyElementsOf(busy.subList(0, 20));
        assertThat(recent.get("quiet")).extracting(RunRecord::runId).containsExactlyElementsOf(quiet);
        assertThat(recent.get("never-ran")).isEmpty();
        // more pipelines than one statement reads: the rest come from the next one
        List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            many.add("p" + i);
        }
        many.add("busy");
        assertThat(dao.recentRuns(many, 3).get("busy"))
                .extracting(RunRecord::runId)
                .containsExactlyElementsOf(busy.subList(0, 3));
        assertThat(dao.recentRuns(List.of(), 3)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void historyFiltersByTriggerAndCreationTimeAndPagesWithinThem(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        List<String> created = new java.util.ArrayList<>();
        // a run per hour, created at that hour: manual on even hours, backfill on odd ones
        for (int hour = 0; hour < 6; hour++) {
            RunIds at = new RunIds(Clock.fixed(t0.plusSeconds(3600L * hour), java.time.ZoneOffset.UTC));
            TriggerType trigger = hour % 2 == 0 ? TriggerType.MANUAL : TriggerType.BACKFILL;
            RunRecord r = new RunRecord(
                    at.next(),
                    "p",
                    "hash",
                    Optional.empty(),
                    trigger,
                    t0,
                    Map.of(),
                    RunState.QUEUED,
                    t0,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
            dao.insertRun(r, List.of("a"));
            created.add(r.runId());
        }
        RunFilter backfills = new RunFilter(
                Optional.of("p"),
                Optional.empty(),
                Optional.of(TriggerType.BACKFILL),
                Optional.empty(),
                Optional.empty());
        assertThat(dao.listRuns(backfills, Optional.empty(), 10))
                .extracting(RunRecord::runId)
                .containsExactly(created.get(5), created.get(3), created.get(1));

        // hours 1 to 3 inclusive: from is inclusive, to exclusive
        RunFilter window = new RunFilter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(t0.plusSeconds(3600)),
                Optional.of(t0.plusSeconds(4 * 3600)));
        assertThat(dao.listRuns(window, Optional.empty(), 10))
                .extracting(RunRecord::runId)
                .containsExactly(created.get(3), created.get(2), created.get(1));
        List<RunRecord> first = dao.listRuns(window, Optional.empty(), 2);
        assertThat(dao.listRuns(window, Optional.of(first.get(1).runId()), 2))
                .extracting(RunRecord::runId)
                .containsExactly(created.get(1));

        dao.updateRunState(created.get(4), RunState.FAILED, Optional.of(t0), Optional.of(t0), Optional.of("x"));
        RunFilter failedManual = new RunFilter(
                Optional.of("p"),
                Optional.of(RunState.FAILED),
                Optional.of(TriggerType.MANUAL),
                Optional.empty(),
                Optional.empty());
        assertThat(dao.listRuns(failedManual, Optional.empty(), 10))
                .extracting(RunRecord::runId)
                .containsExactly(created.get(4));
        assertThat(dao.listRuns(RunFilter.ALL, Optional.empty(), 10)).hasSize(6);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aBackfillIsStoredWithItsRunsAndReportsTheirProgress(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        Instant from = Instant.parse("2026-10-01T06:00:00Z");
        BackfillRecord backfill = new BackfillRecord(ids.next(), "p", from, from.plusSeconds(86_400), 2, from);
        List<RunRecord> runs = List.of(backfillRun(backfill, from), backfillRun(backfill, from.plusSeconds(86_400)));
        dao.insertBackfill(backfill, runs, List.of("a"));
        dao.updateRunState(
                runs.get(0).runId(), RunState.SUCCEEDED, Optional.empty(), Optional.of(from), Optional.empty());

        assertThat(dao.findBackfill(backfill.backfillId())).contains(backfill);
        assertThat(dao.backfillProgress(backfill.backfillId()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(RunState.SUCCEEDED, 1, RunState.QUEUED, 1));
        assertThat(dao.findRun(runs.get(1).runId()).orElseThrow().backfillId()).contains(backfill.backfillId());
        assertThat(dao.timedRuns("p", from, from))
                .extracting(RunRecord::runId)
                .containsExactly(runs.get(0).runId());
        assertThat(dao.backfilledTimes(List.of("p", "other"), from, from.plusSeconds(86_400)))
                .containsExactlyEntriesOf(Map.of("p", java.util.Set.of(from, from.plusSeconds(86_400))));
        dao.updateRunState(runs.get(1).runId(), RunState.FAILED, Optional.empty(), Optional.of(from), Optional.empty());
        assertThat(dao.backfilledTimes(List.of("p"), from, from.plusSeconds(86_400)))
                .containsExactlyEntriesOf(Map.of("p", java.util.Set.of(from))); // a failed one can be scheduled
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aRepairReopensTheRunAndItsTasksAndKeepsTheirAttemptCounts(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        RunRecord run = run("p", TriggerType.MANUAL, Instant.EPOCH);
        dao.insertRun(run, List.of("a", "b"));
        Instant t0 = Instant.ofEpochMilli(10_000);
        dao.startAttempt(new AttemptRecord(
                run.runId() + ".b.1",
                run.runId(),
                "b",
                1,
                "local",
                TaskState.RUNNING,
                Optional.empty(),
                t0,
                Optional.of(t0),
                Optional.empty(),
                Optional.empty(),
                "b.log",
                0,
                Optional.empty()));
        dao.finishAttempt(
                run.runId() + ".b.1",
                run.runId(),
                "b",
                TaskState.FAILED,
                TaskState.FAILED,
                t0,
                Optional.of("boom"),
                Optional.empty(),
                Optional.empty());
        dao.updateRunState(run.runId(), RunState.FAILED, Optional.of(t0), Optional.of(t0), Optional.of("b failed"));

        OptionalInt first = dao.repairRun(run.runId(), "hash2", "current", List.of("b", "c"), List.of("c"), t0);
        OptionalInt whileReopened = dao.repairRun(run.runId(), "hash", "original", List.of("b"), List.of(), t0);
        dao.updateRunState(run.runId(), RunState.FAILED, Optional.empty(), Optional.of(t0), Optional.of("again"));
        OptionalInt second = dao.repairRun(run.runId(), "hash", "original", List.of("b"), List.of(), t0.plusSeconds(1));

        assertThat(first).hasValue(1);
        assertThat(whileReopened)
                .as("a run that has not finished is not reopened twice")
                .isEmpty();
        assertThat(second).hasValue(2);
        RunRecord reopened = dao.findRun(run.runId()).orElseThrow();
        assertThat(reopened.state()).isEqualTo(RunState.QUEUED);
        assertThat(reopened.endedAt()).isEmpty();
        assertThat(reopened.error()).isEmpty();
        TaskRunRecord b = dao.taskRuns(run.runId()).stream()
                .filter(t -> t.taskId().equals("b"))
                .findFirst()
                .orElseThrow();
        assertThat(b.state()).isEqualTo(TaskState.QUEUED);
        assertThat(b.attempts()).isEqualTo(1);
        assertThat(b.attemptBase()).isEqualTo(1);
        assertThat(b.error()).isEmpty();
        assertThat(dao.taskRuns(run.runId())).extracting(TaskRunRecord::taskId).containsExactly("a", "b", "c");
        assertThat(dao.repairs(run.runId()))
                .extracting(RepairRecord::repairNumber, RepairRecord::version, RepairRecord::tasks)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "current", List.of("b", "c")),
                        org.assertj.core.groups.Tuple.tuple(2, "original", List.of("b")));
    }

    private RunRecord run() {
        return new RunRecord(
                ids.next(),
                "p",
                "hash",
                Optional.empty(),
                TriggerType.MANUAL,
                T0,
                Map.of(),
                RunState.QUEUED,
                T0,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private static AttemptRecord attempt(RunRecord run, String task) {
        return new AttemptRecord(
                run.runId() + "." + task + ".1",
                run.runId(),
                task,
                1,
                "local",
                TaskState.RUNNING,
                Optional.empty(),
                T0,
                Optional.of(T0),
                Optional.empty(),
                Optional.empty(),
                "x.log",
                0,
                Optional.empty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aRunAdoptedByAnotherDaemonCanNoLongerBeWrittenByItsFormerOwner(String name, Supplier<Backend> backend) {
        Backend history = open(backend);
        RunStore a = history.store("a");
        RunStore b = history.store("b");
        RunRecord run = run();
        a.insertRun(run, List.of("t"));
        a.startAttempt(attempt(run, "t"));

        assertThat(b.hasOrphans()).isFalse();
        assertThat(b.adoptOrphans()).as("a is alive: its runs are its own").isEmpty();
        assertThat(b.unfinishedRuns()).isEmpty();
        assertThat(a.unfinishedRuns()).extracting(RunRecord::runId).containsExactly(run.runId());

        history.markStopped("a");
        assertThat(b.hasOrphans()).isTrue();
        assertThat(b.adoptOrphans()).containsExactly(run.runId());
        assertThat(b.hasOrphans()).as("adopted").isFalse();
        assertThat(b.adoptOrphans()).as("adopted once").isEmpty();

        assertThatThrownBy(() -> a.finishAttempt(
                        run.runId() + ".t.1",
                        run.runId(),
                        "t",
                        TaskState.SUCCEEDED,
                        TaskState.SUCCEEDED,
                        T0.plusSeconds(40),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty()))
                .isInstanceOf(RunFencedException.class);
        assertThatThrownBy(() -> a.updateRunState(
                        run.runId(), RunState.SUCCEEDED, Optional.empty(), Optional.of(T0), Optional.empty()))
                .isInstanceOf(RunFencedException.class);
        assertThat(b.attempts(run.runId()))
                .singleElement()
                .satisfies(x -> assertThat(x.state())
                        .as("the fenced write left nothing")
                        .isEqualTo(TaskState.RUNNING));
        assertThat(b.findRun(run.runId()).orElseThrow().state()).isEqualTo(RunState.QUEUED);

        b.finishAttempt(
                run.runId() + ".t.1",
                run.runId(),
                "t",
                TaskState.FAILED,
                TaskState.UP_FOR_RETRY,
                T0.plusSeconds(41),
                Optional.of("adopted"),
                Optional.of(T0.plusSeconds(41)),
                Optional.empty());
        assertThat(b.taskRuns(run.runId()))
                .singleElement()
                .satisfies(t -> assertThat(t.state()).isEqualTo(TaskState.UP_FOR_RETRY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aReleasedRunIsAnOrphanAndACancelAskedOfAnotherDaemonReachesTheOwner(String name, Supplier<Backend> backend) {
        Backend history = open(backend);
        RunStore a = history.store("a");
        RunStore b = history.store("b");
        RunRecord run = run();
        a.insertRun(run, List.of("t"));

        assertThat(b.requestCancel(run.runId(), T0)).isTrue();
        assertThat(a.cancelRequests()).containsExactly(run.runId());
        assertThat(b.cancelRequests()).isEmpty();

        assertThat(a.releaseUnfinished()).isEqualTo(1);
        assertThat(b.adoptOrphans()).containsExactly(run.runId());
        assertThat(b.cancelRequests()).as("the request follows the run").containsExactly(run.runId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void twoDaemonsAdoptingAtOnceTakeEachRunExactlyOnce(String name, Supplier<Backend> backend) throws Exception {
        Backend history = open(backend);
        RunStore dead = history.store("dead");
        RunStore b = history.store("b");
        RunStore c = history.store("c");
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RunRecord run = run();
            dead.insertRun(run, List.of("t"));
            runIds.add(run.runId());
        }
        history.markStopped("dead");
        CyclicBarrier together = new CyclicBarrier(2);
        CompletableFuture<List<String>> byB = CompletableFuture.supplyAsync(() -> adopt(b, together));
        CompletableFuture<List<String>> byC = CompletableFuture.supplyAsync(() -> adopt(c, together));

        Set<String> both = new HashSet<>(byB.get());
        both.retainAll(byC.get());
        assertThat(both).as("runs adopted twice").isEmpty();
        List<String> all = new ArrayList<>(byB.get());
        all.addAll(byC.get());
        assertThat(all).containsExactlyInAnyOrderElementsOf(runIds);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aRemoteIdIsFoundByItsRun(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        RunRecord run = run();
        dao.insertRun(run, List.of("t"));
        dao.startAttempt(attempt(run, "t"));
        dao.recordRemoteId(run.runId() + ".t.1", "driver-20261204-0001");

        assertThat(dao.remoteIdsOfRun(run.runId()))
                .containsExactly(Map.entry(run.runId() + ".t.1", "driver-20261204-0001"));
        assertThat(dao.remoteIdsOfRun("no-such-run")).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void taskRunsAndAttemptsOfSeveralRunsComeByRunThenTask(String name, Supplier<Backend> backend) {
        RunStore dao = open(backend).store("a");
        RunRecord first = run();
        RunRecord second = run();
        dao.insertRun(second, List.of("y", "x"));
        dao.insertRun(first, List.of("t"));
        dao.startAttempt(attempt(second, "x"));
        dao.startAttempt(attempt(first, "t"));

        assertThat(dao.taskRuns(List.of(second.runId(), first.runId(), second.runId())))
                .extracting(t -> t.runId() + "/" + t.taskId())
                .containsExactly(first.runId() + "/t", second.runId() + "/x", second.runId() + "/y");
        assertThat(dao.attempts(List.of(second.runId(), first.runId())))
                .extracting(AttemptRecord::attemptId)
                .containsExactly(first.runId() + ".t.1", second.runId() + ".x.1");
        assertThat(dao.taskRuns(List.of())).isEmpty();
    }

    private static List<String> adopt(RunStore store, CyclicBarrier together) {
        try {
            together.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return store.adoptOrphans();
    }

    private static RunRecord backfillRun(BackfillRecord backfill, Instant logicalTime) {
        return new RunRecord(
                new RunIds(Clock.systemUTC()).next(),
                backfill.pipelineId(),
                "hash",
                Optional.empty(),
                TriggerType.BACKFILL,
                logicalTime,
                Map.of(),
                RunState.QUEUED,
                logicalTime,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(backfill.backfillId()));
    }
}
