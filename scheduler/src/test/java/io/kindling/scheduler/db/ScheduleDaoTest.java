package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Schedule cursors and pause flags on a real SQLite file and a real PostgreSQL server. */
class ScheduleDaoTest {
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
    void scheduleStatesOpenOnceMoveOnlyForwardAndKeepThePauseFlag(String name, Supplier<Database> db) {
        database = db.get();
        ScheduleDao schedules = new ScheduleDao(database.jdbi());
        Instant t0 = Instant.parse("2026-11-24T06:00:00Z");
        assertThat(schedules.open("p", t0).cursor()).isEqualTo(t0);
        assertThat(schedules.open("p", t0.plusSeconds(60)).cursor()).isEqualTo(t0); // exists already

        schedules.advance("p", t0.plusSeconds(600));
        schedules.advance("p", t0.plusSeconds(300)); // a slower daemon cannot move it back
        assertThat(schedules.find("p").orElseThrow().cursor()).isEqualTo(t0.plusSeconds(600));

        schedules.setPaused("p", true, t0.plusSeconds(700));
        schedules.setPaused("q", true, t0); // a pipeline without a row gets one
        ScheduleState p = schedules.find("p").orElseThrow();
        assertThat(p.paused()).isTrue();
        assertThat(p.pausedAt()).contains(t0.plusSeconds(700));
        assertThat(p.cursor()).isEqualTo(t0.plusSeconds(600));
        assertThat(schedules.all()).containsOnlyKeys("p", "q");
        schedules.setPaused("p", false, t0.plusSeconds(800));
        assertThat(schedules.find("p").orElseThrow().paused()).isFalse();
        assertThat(schedules.find("p").orElseThrow().pausedAt()).isEmpty();

        // many at once: those without a row get one at the given cursor, the others keep theirs
        Map<String, ScheduleState> opened = schedules.openAll(List.of("p", "q", "r"), t0.plusSeconds(900));
        assertThat(opened).containsOnlyKeys("p", "q", "r");
        assertThat(opened.get("p").cursor()).isEqualTo(t0.plusSeconds(600));
        assertThat(opened.get("q").paused()).isTrue();
        assertThat(opened.get("r").cursor()).isEqualTo(t0.plusSeconds(900));
        schedules.advanceAll(Map.of("p", t0.plusSeconds(500), "r", t0.plusSeconds(1000)));
        assertThat(schedules.find("p").orElseThrow().cursor()).isEqualTo(t0.plusSeconds(600)); // never back
        assertThat(schedules.find("r").orElseThrow().cursor()).isEqualTo(t0.plusSeconds(1000));
    }
}
