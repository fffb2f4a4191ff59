package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Daemon lives on a real SQLite file and a real PostgreSQL server. */
class DaemonDaoTest {
    @TempDir
    static Path folder;

    private Database database;

    static Stream<Arguments> databases() {
        return TestDatabases.databases(folder);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aDaemonTakenForDeadLearnsItOnItsNextHeartbeat(String name, Supplier<Database> db) {
        database = db.get();
        DaemonDao daemons = new DaemonDao(database.jdbi());
        Instant t0 = Instant.parse("2026-11-24T06:00:00Z");
        daemons.register(new DaemonRecord("a", "node-a", "host", 1, t0, t0, Optional.empty(), Optional.empty()));
        assertThat(daemons.heartbeat("a", t0.plusSeconds(10))).isTrue();

        assertThat(daemons.markStopped("a", t0.plusSeconds(30), "no heartbeat")).isTrue();
        assertThat(daemons.heartbeat("a", t0.plusSeconds(31)))
                .as("a learns it was taken for dead")
                .isFalse();
    }
}
