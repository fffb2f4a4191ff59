package io.kindling.scheduler.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.support.MutableClock;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real Quartz on its JDBC job store, on SQLite and (clustered) on PostgreSQL: one trigger per distinct schedule,
 * and a fire goes to the pipelines that have that schedule when it fires.
 */
class CronSchedulerTest {
    @TempDir
    static Path folder;

    private Database database;
    private CronScheduler cron;
    private final Queue<Fire> fires = new ConcurrentLinkedQueue<>();
    private final AtomicReference<List<Pipeline>> registry = new AtomicReference<>(List.of());

    /** @param called the wall-clock time the handler was called */
    private record Fire(List<String> pipelines, Instant scheduled, Instant called) {}

    static Stream<Arguments> databases() {
        return TestDatabases.databases(folder);
    }

    @AfterEach
    void close() throws Exception {
        if (cron != null) {
            cron.stop();
        }
        if (database != null) {
            database.stop();
        }
    }

    private void start(String name, Supplier<Database> db) throws Exception {
        start(name, db, Clock.systemUTC());
    }

    private void start(String name, Supplier<Database> db, Clock clock) throws Exception {
        start(name, db, clock, CronScheduler.NEVER_PREPARE);
    }

    private void start(String name, Supplier<Database> db, Clock clock, int prepareFrom) throws Exception {
        database = db.get();
        cron = new CronScheduler(
                (pipelines, scheduled) ->
                        fires.add(new Fire(pipelines.stream().map(Pipeline::id).toList(), scheduled, Instant.now())),
                registry::get,
                database.dataSource(),
                name.equals("postgresql"),
                "test-" + UUID.randomUUID(),
                clock,
                prepareFrom);
        cron.start();
    }

    private void load(Pipeline... pipelines) {
        registry.set(List.of(pipelines));
        cron.scheduleAll(registry.get());
    }

    private static Pipeline pipeline(String id, String cron) {
        return withSchedule(id, cron == null ? "" : "schedule: {cron: \"" + cron + "\"}\n");
    }

    private static Pipeline withSchedule(String id, String schedule) {
        ParseResult parsed = new PipelineParser(ParserOptions.lenient())
                .parse(
                        Path.of(id + ".yml"),
                        "pipeline: " + id + "\n" + schedule + "tasks:\n  - {id: only, sql: SELECT 1}\n");
        return parsed.pipeline().orElseThrow(() -> new AssertionError(parsed.problems()));
    }

    private List<Fire> firesAfter(Instant after) {
        return fires.stream().filter(f -> f.scheduled().isAfter(after)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void pipelinesSharingAScheduleHaveOneTriggerAndFireTogether(String name, Supplier<Database> db) throws Exception {
        start(name, db);
        load(pipeline("a", "* * * * * ?"), pipeline("b", "* * * * * ?"), pipeline("manual", null));

        assertThat(cron.triggers()).containsOnlyKeys("UTC * * * * * ?");
        await().atMost(Duration.ofSeconds(30)).until(() -> fires.size() >= 2);
        assertThat(fires).allSatisfy(f -> assertThat(f.pipelines()).containsExactly("a", "b"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void changingOnePipelinesCronMovesOnlyItAndAScheduleNoOneHasLosesItsTrigger(String name, Supplier<Database> db)
            throws Exception {
        start(name, db);
        load(pipeline("a", "* * * * * ?"), pipeline("b", "* * * * * ?"));
        load(pipeline("a", "0 0 * * * ?"), pipeline("b", "* * * * * ?"));
        Instant changed = Instant.now().plusSeconds(1);

        assertThat(cron.triggers()).containsOnlyKeys("UTC * * * * * ?", "UTC 0 0 * * * ?");
        await().atMost(Duration.ofSeconds(30)).until(() -> firesAfter(changed).size() >= 2);
        assertThat(firesAfter(changed))
                .allSatisfy(f -> assertThat(f.pipelines()).containsExactly("b"));

        Map<String, Instant> before = cron.triggers();
        load(pipeline("a", "0 0 * * * ?"));
        assertThat(cron.triggers())
                .containsOnlyKeys("UTC 0 0 * * * ?")
                .containsEntry("UTC 0 0 * * * ?", before.get("UTC 0 0 * * * ?"));
        load();
        assertThat(cron.triggers()).isEmpty();
    }

    private static Pipeline zoned(String id, String cron, String zone, String dstGap) {
        return withSchedule(
                id, "schedule: {cron: \"" + cron + "\", timezone: " + zone + ", dst_gap: " + dstGap + "}\n");
    }

    private static MutableClock at(String instant) {
        return new MutableClock(Instant.parse(instant));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aDailyTimeInTheSpringGapGetsAWakeUpAtTheJumpUnlessItSkips(String name, Supplier<Database> db)
            throws Exception {
        // 2027-03-28 in Berlin and 2027-03-14 in New York: 02:00 -> 03:00, 02:30 does not exist
        MutableClock clock = at("2027-03-13T12:00:00Z");
        start(name, db, clock);
        load(
                zoned("berlin", "30 2 * * *", "Europe/Berlin", "run_after"),
                zoned("new_york", "30 2 * * *", "America/New_York", "run_after"),
                zoned("utc", "30 2 * * *", "UTC", "run_after"));

        // Quartz's cron trigger would pass over the day; the wake-up is at 03:00 local, the jump
        assertThat(cron.wakeUps())
                .containsOnly(Map.entry("America/New_York 0 30 2 * * ?", Instant.parse("2027-03-14T07:00:00Z")));
        assertThat(cron.triggers())
                .containsOnlyKeys("Europe/Berlin 0 30 2 * * ?", "America/New_York 0 30 2 * * ?", "UTC 0 30 2 * * ?");

        clock.set(Instant.parse("2027-03-27T12:00:00Z"));
        load(zoned("berlin", "30 2 * * *", "Europe/Berlin", "run_after"));
        assertThat(cron.wakeUps())
                .containsOnly(Map.entry("Europe/Berlin 0 30 2 * * ?", Instant.parse("2027-03-28T01:00:00Z")));

        load(zoned("berlin", "30 2 * * *", "Europe/Berlin", "skip"));
        assertThat(cron.wakeUps()).as("dst_gap: skip needs no wake-up").isEmpty();
        load(
                zoned("berlin", "30 2 * * *", "Europe/Berlin", "run_after"),
                zoned("b2", "30 2 * * *", "Europe/Berlin", "skip"));
        assertThat(cron.wakeUps())
                .as("one pipeline on the schedule runs after the jump")
                .hasSize(1);
        load();
        assertThat(cron.wakeUps()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void fromInsideTheFirstPassOfTheRepeatedHourTheSecondPassGetsAWakeUp(String name, Supplier<Database> db)
            throws Exception {
        // 2027-10-31 in Berlin: 03:00 CEST -> 02:00 CET; 00:40Z is 02:40 CEST, the first pass
        start(name, db, at("2027-10-31T00:40:00Z"));
        load(zoned("berlin", "30 2 * * *", "Europe/Berlin", "run_after"));

        assertThat(cron.wakeUps())
                .containsOnly(Map.entry("Europe/Berlin 0 30 2 * * ?", Instant.parse("2027-10-31T01:30:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aWakeUpFiresTheSchedulesPipelinesAndIsThenGone(String name, Supplier<Database> db) throws Exception {
        // a clock inside the first pass of a night already past: the wake-up is overdue and fires at once
        start(name, db, at("2026-10-25T00:30:00Z"));
        load(zoned("berlin", "30 2 * * *", "Europe/Berlin", "run_after"));

        await().atMost(Duration.ofSeconds(30)).until(() -> !fires.isEmpty());
        assertThat(fires).allSatisfy(f -> assertThat(f.pipelines()).containsExactly("berlin"));
        await().atMost(Duration.ofSeconds(30)).until(() -> cron.wakeUps().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aScheduleSharedByEnoughPipelinesIsWokenAheadForEachFireThenByItsOwnTrigger(String name, Supplier<Database> db)
            throws Exception {
        start(name, db, Clock.systemUTC(), 2);
        load(pipeline("a", "0/3 * * * * ?"), pipeline("b", "0/3 * * * * ?"), pipeline("alone", "1/3 * * * * ?"));

        await().atMost(Duration.ofSeconds(10)).until(() -> cron.prepares().containsKey("UTC 0/3 * * * * ?"));
        assertThat(cron.prepares()).as("one pipeline alone is not prepared").containsOnlyKeys("UTC 0/3 * * * * ?");
        // for one of the cron's times (the cron trigger's own next time may be a fire behind, while a fire runs)
        assertThat(cron.prepares().get("UTC 0/3 * * * * ?").toEpochMilli() % 3000)
                .isZero();
        Instant after = Instant.now().plusSeconds(1);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> firesAfter(after).stream()
                                .filter(f -> f.pipelines().contains("a"))
                                .count()
                        >= 4);

        List<Fire> shared = firesAfter(after).stream()
                .filter(f -> f.pipelines().contains("a"))
                .toList();
        // each fire time twice: the prepare wake-up ahead of it, then the cron trigger (after the first is done)
        assertThat(shared.get(0).scheduled()).isEqualTo(shared.get(1).scheduled());
        assertThat(shared.get(2).scheduled()).isEqualTo(shared.get(3).scheduled());
        assertThat(shared.get(0).called())
                .as("ahead")
                .isBefore(shared.get(0).scheduled().minusMillis(200));
        assertThat(shared.get(1).called())
                .isAfterOrEqualTo(shared.get(1).scheduled().minusMillis(50));
        assertThat(firesAfter(after))
                .filteredOn(f -> f.pipelines().contains("alone"))
                .allSatisfy(f ->
                        assertThat(f.called()).isAfterOrEqualTo(f.scheduled().minusMillis(50)));
    }
}
