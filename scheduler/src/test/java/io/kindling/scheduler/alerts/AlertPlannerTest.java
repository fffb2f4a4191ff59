package io.kindling.scheduler.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.Alerts;
import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.db.AlertDelivery;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.db.JdbiRunQueries;
import io.kindling.scheduler.db.MuteDao;
import io.kindling.scheduler.db.PipelineMute;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.support.MutableClock;
import io.kindling.scheduler.support.TestDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code alert_after}: which failures and recoveries the planner alerts, over a run history in a real database
 * (SQLite and PostgreSQL), with runs written as the engine leaves them.
 */
class AlertPlannerTest {
    @org.junit.jupiter.api.io.TempDir
    static Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final RunIds ids = new RunIds(clock);
    private Database database;

    static Stream<Arguments> databases() {
        return TestDatabases.databases(dir);
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.stop();
        }
    }

    private AlertPlanner planner(Supplier<Database> db) {
        database = db.get();
        MuteDao mutes = new MuteDao(database.jdbi());
        return new AlertPlanner(
                Set.of("ops"),
                Alerts.NONE,
                new JdbiRunQueries(database.jdbi()),
                "http://x",
                Clock.systemUTC(),
                mutes::muted);
    }

    private static Pipeline pipeline(String alerts) {
        ParseResult parsed = new PipelineParser(ParserOptions.lenient())
                .parse(Path.of("p.yml"), "pipeline: p\nalerts: " + alerts + "\ntasks: [{id: a, sql: SELECT 1}]\n");
        return parsed.pipeline().orElseThrow(() -> new AssertionError(parsed.problems()));
    }

    /** A finished run of p, newer than every earlier one. */
    private String finished(RunState state) {
        clock.advance(java.time.Duration.ofMinutes(1));
        String runId = ids.next();
        long at = clock.instant().toEpochMilli();
        database.jdbi().useHandle(h -> h.execute("""
                        INSERT INTO runs (run_id, pipeline_id, content_hash, trigger_type, logical_time, params,
                                          state, created_at, started_at, ended_at)
                        VALUES (?, 'p', 'hash', 'manual', ?, '{}', ?, ?, ?, ?)""", runId, at, state.name(), at, at, at + 1000));
        return runId;
    }

    private static List<String> types(List<AlertDelivery> deliveries) {
        return deliveries.stream().map(AlertDelivery::eventType).toList();
    }

    private List<String> failing(AlertPlanner planner, Pipeline p) {
        String runId = finished(RunState.FAILED);
        List<String> out = new java.util.ArrayList<>(types(planner.attemptFailed(
                p, runId, "a", 1, TaskState.FAILED, false, Optional.of("boom"), clock.instant())));
        out.addAll(types(planner.runEnded(p, runId, RunState.FAILED, Optional.of("boom"), clock.instant())));
        return out;
    }

    private List<String> succeeding(AlertPlanner planner, Pipeline p) {
        return types(planner.runEnded(
                p, finished(RunState.SUCCEEDED), RunState.SUCCEEDED, Optional.empty(), clock.instant()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theThirdFailureInARowAlertsAndItsRecoveryToo(String name, Supplier<Database> db) {
        AlertPlanner planner = planner(db);
        Pipeline p = pipeline("{on_failure: [ops], alert_after: 3}");

        assertThat(failing(planner, p)).isEmpty();
        assertThat(failing(planner, p)).isEmpty();
        assertThat(failing(planner, p)).containsExactly("task_failed", "run_failed");
        assertThat(failing(planner, p)).containsExactly("task_failed", "run_failed");
        assertThat(succeeding(planner, p)).containsExactly("run_recovered");
        assertThat(succeeding(planner, p)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aStreakShorterThanAlertAfterIsNeitherAlertedNorRecovered(String name, Supplier<Database> db) {
        AlertPlanner planner = planner(db);
        Pipeline p = pipeline("{on_failure: [ops], alert_after: 3}");

        assertThat(failing(planner, p)).isEmpty();
        assertThat(failing(planner, p)).isEmpty();
        assertThat(succeeding(planner, p)).isEmpty();
        // the success broke the streak: two more failures are still quiet
        assertThat(failing(planner, p)).isEmpty();
        assertThat(failing(planner, p)).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aMutedPipelineAlertsNothingUntilTheMuteEndsOrIsLifted(String name, Supplier<Database> db) {
        AlertPlanner planner = planner(db);
        Pipeline p = pipeline("{on_failure: [ops], on_success: [ops]}");
        MuteDao mutes = new MuteDao(database.jdbi());
        Instant now = Instant.now();
        mutes.mute(new PipelineMute("p", now.plusSeconds(3600), "ops-lead", Optional.empty(), now));

        assertThat(failing(planner, p)).isEmpty();
        assertThat(succeeding(planner, p)).isEmpty();
        // a mute that has ended holds nothing back
        mutes.mute(new PipelineMute("p", now.minusSeconds(1), "ops-lead", Optional.empty(), now.minusSeconds(60)));
        assertThat(failing(planner, p)).containsExactly("task_failed", "run_failed");
        mutes.mute(new PipelineMute("p", now.plusSeconds(3600), "ops-lead", Optional.of("deploy"), now));
        assertThat(failing(planner, p)).isEmpty();
        assertThat(mutes.unmute("p")).isTrue();
        assertThat(succeeding(planner, p)).containsExactly("run_succeeded", "run_recovered");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void withoutAlertAfterEveryFailureAlertsAndTheFirstSuccessRecovers(String name, Supplier<Database> db) {
        AlertPlanner planner = planner(db);
        Pipeline p = pipeline("{on_failure: [ops]}");

        assertThat(failing(planner, p)).containsExactly("task_failed", "run_failed");
        assertThat(succeeding(planner, p)).containsExactly("run_recovered");
        assertThat(succeeding(planner, p)).isEmpty();
    }
}
