package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RunRecord;

/** Run owners, adoption and fencing, on a real SQLite file and a real PostgreSQL server. */
class OwnershipTest {
    @TempDir
    static Path folder;

    private Database database;
    private final RunIds ids = new RunIds(Clock.systemUTC());
    private static final Instant T0 = Instant.parse("2026-11-24T06:00:00Z");

    static Stream<Arguments> databases() {
        return TestDatabases.databases(folder);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private DaemonDao daemons(Supplier<Database> db, String... lives) {
        database = db.get();
        DaemonDao dao = new DaemonDao(database.jdbi());
        for (String id : lives) {
            dao.register(new DaemonRecord(id, "node-" + id, "host", 1, T0, T0, Optional.empty(), Optional.empty()));
        }
        return dao;
    }

    private RunRecord run() {
        return new RunRecord(ids.next(), "p", "hash", Optional.empty(), TriggerType.MANUAL, T0, Map.of(),
                RunState.QUEUED, T0, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static AttemptRecord attempt(RunRecord run, String task) {
        return new AttemptRecord(run.runId() + "." + task + ".1", run.runId(), task, 1, "local", TaskState.RUNNING,
                Optional.empty(), T0, Optional.of(T0), Optional.empty(), Optional.empty(), "x.log", 0,
                Optional.empty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRunAdoptedByAnotherDaemonCanNoLongerBeWrittenByItsFormerOwner(String name, Supplier<Database> db) {
        DaemonDao daemons = daemons(db, "a", "b");
        RunDao a = new RunDao(database.jdbi(), "a");
        RunDao b = new RunDao(database.jdbi(), "b");
        RunRecord run = run();
        a.insertRun(run, List.of("t"));
        a.startAttempt(attempt(run, "t"));

        assertThat(b.adoptOrphans()).as("a is alive: its runs are its own").isEmpty();
        assertThat(b.unfinishedRuns()).isEmpty();
        assertThat(a.unfinishedRuns()).extracting(RunRecord::runId).containsExactly(run.runId());

        assertThat(daemons.markStopped("a", T0.plusSeconds(30), "no heartbeat")).isTrue();
        assertThat(daemons.heartbeat("a", T0.plusSeconds(31))).as("a learns it was taken for dead").isFalse();
        assertThat(b.adoptOrphans()).containsExactly(run.runId());
        assertThat(b.adoptOrphans()).as("adopted once").isEmpty();

        assertThatThrownBy(() -> a.finishAttempt(run.runId() + ".t.1", run.runId(), "t", TaskState.SUCCEEDED,
                TaskState.SUCCEEDED, T0.plusSeconds(40), Optional.empty(), Optional.empty(), Optional.empty()))
                .isInstanceOf(RunFencedException.class);
        assertThatThrownBy(() -> a.updateRunState(run.runId(), RunState.SUCCEEDED, Optional.empty(),
                Optional.of(T0), Optional.empty())).isInstanceOf(RunFencedException.class);
        assertThat(b.attempts(run.runId())).singleElement()
                .satisfies(x -> assertThat(x.state()).as("the fenced write left nothing").isEqualTo(TaskState.RUNNING));
        assertThat(b.findRun(run.runId()).orElseThrow().state()).isEqualTo(RunState.QUEUED);

        b.finishAttempt(run.runId() + ".t.1", run.runId(), "t", TaskState.FAILED, TaskState.UP_FOR_RETRY,
                T0.plusSeconds(41), Optional.of("adopted"), Optional.of(T0.plusSeconds(41)), Optional.empty());
        assertThat(b.taskRuns(run.runId())).singleElement()
                .satisfies(t -> assertThat(t.state()).isEqualTo(TaskState.UP_FOR_RETRY));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aReleasedRunIsAnOrphanAndACancelAskedOfAnotherDaemonReachesTheOwner(String name, Supplier<Database> db) {
        daemons(db, "a", "b");
        RunDao a = new RunDao(database.jdbi(), "a");
        RunDao b = new RunDao(database.jdbi(), "b");
        RunRecord run = run();
        a.insertRun(run, List.of("t"));

        assertThat(new RunDao(database.jdbi()).requestCancel(run.runId(), T0)).isTrue();
        assertThat(a.cancelRequests()).containsExactly(run.runId());
        assertThat(b.cancelRequests()).isEmpty();

        assertThat(a.releaseUnfinished()).isEqualTo(1);
        assertThat(b.adoptOrphans()).containsExactly(run.runId());
        assertThat(b.cancelRequests()).as("the request follows the run").containsExactly(run.runId());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoDaemonsAdoptingAtOnceTakeEachRunExactlyOnce(String name, Supplier<Database> db) throws Exception {
        DaemonDao daemons = daemons(db, "dead", "b", "c");
        RunDao dead = new RunDao(database.jdbi(), "dead");
        List<String> runIds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RunRecord run = run();
            dead.insertRun(run, List.of("t"));
            runIds.add(run.runId());
        }
        daemons.markStopped("dead", T0, "killed");
        CyclicBarrier together = new CyclicBarrier(2);
        Supplier<List<String>> adoptB = () -> adopt(new RunDao(database.jdbi(), "b"), together);
        Supplier<List<String>> adoptC = () -> adopt(new RunDao(database.jdbi(), "c"), together);
        CompletableFuture<List<String>> byB = CompletableFuture.supplyAsync(adoptB);
        CompletableFuture<List<String>> byC = CompletableFuture.supplyAsync(adoptC);

        Set<String> both = new HashSet<>(byB.get());
        both.retainAll(byC.get());
        assertThat(both).as("runs adopted twice").isEmpty();
        List<String> all = new ArrayList<>(byB.get());
        all.addAll(byC.get());
        assertThat(all).containsExactlyInAnyOrderElementsOf(runIds);
    }

    private static List<String> adopt(RunDao dao, CyclicBarrier together) {
        try {
            together.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return dao.adoptOrphans();
    }
}
