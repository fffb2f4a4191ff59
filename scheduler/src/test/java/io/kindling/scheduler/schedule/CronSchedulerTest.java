package io.kindling.scheduler.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
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

    private record Fire(List<String> pipelines, Instant scheduled) {}

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
        database = db.get();
        cron = new CronScheduler(
                (pipelines, scheduled) ->
                        fires.add(new Fire(pipelines.stream().map(Pipeline::id).toList(), scheduled)),
                registry::get,
                database.dataSource(),
                name.equals("postgresql"),
                "test-" + UUID.randomUUID());
        cron.start();
    }

    private void load(Pipeline... pipelines) {
        registry.set(List.of(pipelines));
        cron.scheduleAll(registry.get());
    }

    private static Pipeline pipeline(String id, String cron) {
        String schedule = cron == null ? "" : "schedule: {cron: \"" + cron + "\"}\n";
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
}
