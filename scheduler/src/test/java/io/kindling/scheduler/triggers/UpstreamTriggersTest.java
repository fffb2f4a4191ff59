package io.kindling.scheduler.triggers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.ParseResult;
import io.kindling.dsl.ParserOptions;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.PipelineParser;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TriggerType;
import io.kindling.scheduler.support.InMemoryRunStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream trigger's rules on a real (in-memory) history with its run keys: lined up by calendar date in the
 * downstream's zone, waiting for every upstream, once per date however often it is told, again for an upstream
 * backfill or repair unless told to ignore it, and every run for {@code match: any}.
 */
class UpstreamTriggersTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());
    private static final Instant MONDAY_0500_UTC = Instant.parse("2026-11-30T05:00:00Z");

    private final InMemoryRunStore store = InMemoryRunStore.create("a");
    private final RunIds ids = new RunIds(Clock.systemUTC());
    private final List<String> created = new CopyOnWriteArrayList<>(); // "pipeline logicalTime key"
    private final java.util.Set<String> paused = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private UpstreamTriggers triggers;

    private static Pipeline parse(String yaml) {
        ParseResult result = PARSER.parse(Path.of("p.yml"), yaml);
        assertThat(result.problems()).isEmpty();
        return result.pipeline().orElseThrow();
    }

    private void pipelines(String... yaml) {
        List<Pipeline> pipelines =
                java.util.Arrays.stream(yaml).map(UpstreamTriggersTest::parse).toList();
        triggers = new UpstreamTriggers(
                () -> pipelines,
                store,
                (pipeline, trigger, time, key) -> {
                    RunRecord run = run(pipeline.id(), trigger, time, RunState.QUEUED);
                    if (!store.insertKeyedRun(run, List.of("t"), key)) {
                        return Optional.empty();
                    }
                    created.add(pipeline.id() + " " + time + " " + key);
                    return Optional.of(run);
                },
                paused::contains,
                Clock.systemUTC());
    }

    @AfterEach
    void close() throws InterruptedException {
        triggers.close();
    }

    private RunRecord run(String pipeline, TriggerType trigger, Instant time, RunState state) {
        return new RunRecord(
                ids.next(),
                pipeline,
                "hash",
                Optional.empty(),
                trigger,
                time,
                Map.of(),
                state,
                Instant.now(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** An upstream run that ended in {@code state}, stored, then told to the trigger as the engine would. */
    private RunRecord ended(String pipeline, TriggerType trigger, Instant time, RunState state) {
        RunRecord run = endedUntold(pipeline, trigger, time, state);
        triggers.runChanged(run.runId(), pipeline, state, Optional.empty());
        return run;
    }

    /** An upstream run that ended in {@code state} a moment ago, and nobody told the trigger (a killed daemon). */
    private RunRecord endedUntold(String pipeline, TriggerType trigger, Instant time, RunState state) {
        RunRecord run = run(pipeline, trigger, time, RunState.QUEUED);
        store.insertRun(run, List.of("t"));
        store.updateRunState(
                run.runId(), state, Optional.of(Instant.now()), Optional.of(Instant.now()), Optional.empty());
        return store.findRun(run.runId()).orElseThrow();
    }

    /** Waits until the trigger's worker has looked at everything told so far (it is one thread). */
    private void settled() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        triggers.afterPending(() -> done.complete(null));
        await().atMost(Duration.ofSeconds(10)).until(done::isDone);
    }

    private static final String REPORT = """
            pipeline: report
            trigger:
              after: [{pipeline: ingest}, {pipeline: clean, state: done}]
              timezone: Europe/Berlin
            tasks: [{id: t, sql: SELECT 1}]
            """;

    @Test
    void aDateRunsOnceEveryUpstreamHasItsRunForThatDayInTheDownstreamsZone() {
        pipelines(REPORT);
        // 23:30 UTC on Sunday is already Monday in Berlin
        RunRecord ingest =
                ended("ingest", TriggerType.SCHEDULE, Instant.parse("2026-11-29T23:30:00Z"), RunState.SUCCEEDED);
        settled();
        assertThat(created).as("clean has not run for Monday").isEmpty();

        RunRecord clean = ended("clean", TriggerType.MANUAL, MONDAY_0500_UTC, RunState.FAILED); // done is enough
        settled();
        assertThat(created).containsExactly("report 2026-11-29T23:00:00Z date:2026-11-30");
        RunRecord report = store.runByKey("report", "date:2026-11-30").orElseThrow();
        assertThat(UpstreamCauses.of(report, parse(REPORT).trigger(), store)).containsExactly(ingest, clean);

        ended("clean", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        ended("ingest", TriggerType.MANUAL, MONDAY_0500_UTC.plusSeconds(60), RunState.SUCCEEDED);
        settled();
        assertThat(created)
                .as("later runs of an upstream for the same day make no other run")
                .hasSize(1);
    }

    @Test
    void aFailedUpstreamRunDoesNotTriggerButItsSuccessfulRepairDoes() {
        pipelines(REPORT);
        ended("clean", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        RunRecord ingest = ended("ingest", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.FAILED);
        settled();
        assertThat(created).isEmpty();

        repairedTo(ingest, RunState.SUCCEEDED);
        settled();

        assertThat(created).containsExactly("report 2026-11-29T23:00:00Z date:2026-11-30");
    }

    @Test
    void anUpstreamBackfillOrRepairOfADateThatRanTriggersItAgainUnlessIgnored() {
        pipelines(REPORT);
        ended("clean", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        RunRecord ingest = ended("ingest", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        settled(); // the day's report is made; the backfill below ends after it
        RunRecord backfill = ended("ingest", TriggerType.BACKFILL, MONDAY_0500_UTC, RunState.SUCCEEDED);
        settled();
        repairedTo(ingest, RunState.SUCCEEDED);
        settled();

        assertThat(created)
                .containsExactly(
                        "report 2026-11-29T23:00:00Z date:2026-11-30",
                        "report 2026-11-29T23:00:00Z date:2026-11-30/run:" + backfill.runId() + ".0",
                        "report 2026-11-29T23:00:00Z date:2026-11-30/run:" + ingest.runId() + ".1");

        triggers.runChanged(ingest.runId(), "ingest", RunState.SUCCEEDED, Optional.empty());
        settled();
        assertThat(created).as("the same repair told twice").hasSize(3);
    }

    @Test
    void ignoringUpstreamRerunsKeepsOneRunPerDate() {
        pipelines(REPORT.replace("timezone: Europe/Berlin", "timezone: Europe/Berlin\n  on_upstream_rerun: ignore"));
        ended("clean", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        ended("ingest", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        settled();
        ended("ingest", TriggerType.BACKFILL, MONDAY_0500_UTC, RunState.SUCCEEDED);
        settled();

        assertThat(created).hasSize(1);
    }

    @Test
    void aPausedPipelineGetsNoRun() {
        pipelines(REPORT);
        paused.add("report");
        ended("clean", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        ended("ingest", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        settled();

        assertThat(created).isEmpty();
    }

    @Test
    void matchAnyRunsForEveryWantedUpstreamRunAtItsLogicalTime() {
        pipelines("""
                pipeline: alarm
                trigger: {after: [{pipeline: ingest, state: failed}], match: any}
                tasks: [{id: t, sql: SELECT 1}]
                """);
        RunRecord first = ended("ingest", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.FAILED);
        ended("ingest", TriggerType.SCHEDULE, MONDAY_0500_UTC.plusSeconds(3600), RunState.SUCCEEDED);
        RunRecord third = ended("ingest", TriggerType.MANUAL, MONDAY_0500_UTC.plusSeconds(7200), RunState.FAILED);
        settled();

        assertThat(created)
                .containsExactly(
                        "alarm 2026-11-30T05:00:00Z run:" + first.runId() + ".0",
                        "alarm 2026-11-30T07:00:00Z run:" + third.runId() + ".0");
        RunRecord alarm = store.runByKey("alarm", "run:" + third.runId() + ".0").orElseThrow();
        assertThat(UpstreamCauses.of(alarm, Optional.empty(), store)).containsExactly(third);
    }

    @Test
    void endsNobodyLookedAtAreCaughtUpOnOnceAndABackfillThatCameFirstIsNoRerun() {
        pipelines(REPORT);
        endedUntold("ingest", TriggerType.BACKFILL, MONDAY_0500_UTC, RunState.SUCCEEDED);
        endedUntold("clean", TriggerType.SCHEDULE, MONDAY_0500_UTC, RunState.SUCCEEDED);
        settled();
        assertThat(created).isEmpty();

        triggers.afterPending(triggers::catchUp);
        triggers.afterPending(triggers::catchUp);
        settled();

        assertThat(created).containsExactly("report 2026-11-29T23:00:00Z date:2026-11-30");
    }

    /** The run is repaired (a repair recorded) and ends in {@code state} again, told as the engine would. */
    private void repairedTo(RunRecord run, RunState state) {
        store.repairRun(run.runId(), "hash", "current", List.of("t"), List.of(), Instant.now());
        store.updateRunState(
                run.runId(), RunState.RUNNING, Optional.of(Instant.now()), Optional.empty(), Optional.empty());
        store.updateRunState(run.runId(), state, Optional.empty(), Optional.of(Instant.now()), Optional.empty());
        triggers.runChanged(run.runId(), run.pipelineId(), state, Optional.empty());
    }
}
