package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TriggerType;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code idempotency_keys} table on SQLite and PostgreSQL, with two daemons (each its own connection pool and
 * run owner) on one database: a key makes one run whoever inserts it and however many insert it at once, until it
 * expires.
 */
class IdempotencyKeysTest {
    private static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
    private static final Duration WEEK = Duration.ofDays(7);
    private final RunIds ids = new RunIds(Clock.systemUTC());

    /** Two daemons' stores on one database, and the keys' table. */
    record TwoDaemons(List<Database> pools, JdbiRunStore a, JdbiRunStore b, IdempotencyKeys keys) {
        void close() {
            pools.forEach(Database::stop);
        }
    }

    private static TwoDaemons open(String url) {
        List<Database> pools = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            DatabaseConfig config = new DatabaseConfig();
            config.setUrl(url);
            pools.add(Database.open(config));
        }
        DaemonDao daemons = new DaemonDao(pools.get(0).jdbi());
        for (String owner : List.of("a", "b")) {
            daemons.register(
                    new DaemonRecord(owner, "node-" + owner, "host", 1, T0, T0, Optional.empty(), Optional.empty()));
        }
        return new TwoDaemons(
                pools,
                new JdbiRunStore(pools.get(0).jdbi(), "a"),
                new JdbiRunStore(pools.get(1).jdbi(), "b"),
                new IdempotencyKeys(pools.get(0).jdbi()));
    }

    private RunRecord run(Instant at) {
        return new RunRecord(
                ids.next(),
                "orders",
                "hash",
                Optional.empty(),
                TriggerType.EVENT,
                at,
                Map.of("order_id", "1"),
                io.kindling.scheduler.model.RunState.QUEUED,
                at,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private static Optional<IdempotencyKey> key(String key, Instant at) {
        return Optional.of(new IdempotencyKey(IdempotencyKey.events("orders"), key, at, at.plus(WEEK)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void aBackfillKeyMakesOneBackfillWhicheverDaemonIsAsked(
            String name, Function<Path, String> database, @TempDir Path dir) {
        TwoDaemons db = open(database.apply(dir));
        try {
            Optional<IdempotencyKey> key =
                    Optional.of(new IdempotencyKey(IdempotencyKey.backfills("orders"), "march", T0, T0.plus(WEEK)));
            BackfillRecord first = new BackfillRecord("bf-first", "orders", T0, T0.plus(WEEK), 2, T0);
            BackfillRecord second = new BackfillRecord("bf-second", "orders", T0, T0.plus(WEEK), 2, T0);
            RunRecord firstRun = run(T0);
            RunRecord secondRun = run(T0);

            assertThat(db.a().insertBackfill(first, List.of(firstRun), List.of("t"), key))
                    .isEqualTo("bf-first");
            assertThat(db.b().insertBackfill(second, List.of(secondRun), List.of("t"), key))
                    .isEqualTo("bf-first");

            assertThat(db.b().findBackfill("bf-second")).isEmpty();
            assertThat(db.b().findRun(secondRun.runId()))
                    .as("the loser's runs are not written")
                    .isEmpty();
            assertThat(db.b().heldBy(IdempotencyKey.backfills("orders"), "march", T0))
                    .contains("bf-first");
            assertThat(db.b().heldBy(IdempotencyKey.backfills("orders"), "march", T0.plus(WEEK)))
                    .as("expired")
                    .isEmpty();
        } finally {
            db.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void aKeyHoldsItsRunForItsRetentionThenIsFree(String name, Function<Path, String> database, @TempDir Path dir) {
        TwoDaemons db = open(database.apply(dir));
        try {
            RunRecord first = run(T0);
            assertThat(db.a().insertRunOnce(first, List.of("t"), Optional.of("k1"), key("k1", T0)))
                    .isEqualTo(first.runId());
            assertThat(db.a().triggerEvent(first.runId())).contains("k1");
            // the other daemon, a day later: the first run, and nothing written
            RunRecord second = run(T0.plus(Duration.ofDays(1)));
            assertThat(db.b()
                            .insertRunOnce(
                                    second, List.of("t"), Optional.of("k1"), key("k1", T0.plus(Duration.ofDays(1)))))
                    .isEqualTo(first.runId());
            assertThat(db.b().findRun(second.runId())).isEmpty();
            // without a key, every event is a run
            RunRecord keyless = run(T0);
            assertThat(db.b().insertRunOnce(keyless, List.of("t"), Optional.of("event-1"), Optional.empty()))
                    .isEqualTo(keyless.runId());

            // a week on the key is free again, deleted or not
            Instant later = T0.plus(WEEK);
            RunRecord third = run(later);
            assertThat(db.b().insertRunOnce(third, List.of("t"), Optional.of("k1"), key("k1", later)))
                    .isEqualTo(third.runId());
            assertThat(db.a().insertRunOnce(run(T0), List.of("t"), Optional.of("k2"), key("k2", T0)))
                    .isNotNull();
            assertThat(db.keys().deleteExpired(later)).isEqualTo(1); // k2; k1 is held by the third run now
            assertThat(db.keys().deleteExpired(later.plus(WEEK))).isEqualTo(1);
        } finally {
            db.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void twoDaemonsInsertingOneKeyAtOnceMakeOneRun(String name, Function<Path, String> database, @TempDir Path dir)
            throws Exception {
        TwoDaemons db = open(database.apply(dir));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String key = "race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<RunRecord> tried = new ArrayList<>();
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    JdbiRunStore store = i % 2 == 0 ? db.a() : db.b();
                    RunRecord run = run(T0);
                    tried.add(run);
                    Callable<String> insert = () -> {
                        go.await();
                        return store.insertRunOnce(run, List.of("t"), Optional.of(key), key(key, T0));
                    };
                    answers.add(threads.submit(insert));
                }
                go.countDown();
                Set<String> holders = new java.util.HashSet<>();
                for (Future<String> answer : answers) {
                    holders.add(answer.get());
                }
                assertThat(holders).as(name + " " + key).hasSize(1);
                Set<String> stored = tried.stream()
                        .map(RunRecord::runId)
                        .filter(id -> db.a().findRun(id).isPresent())
                        .collect(Collectors.toSet());
                assertThat(stored).as("runs written for " + key).isEqualTo(holders);
            }
        } finally {
            threads.shutdownNow();
            db.close();
        }
    }
}
