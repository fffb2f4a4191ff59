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
import io.kindling.scheduler.support.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The continuous trigger's rules on a real (in-memory) history with its run keys: one run at a time, however many
 * daemons look; the next at once after a success or a cancel, after a doubling backoff after failures; none while
 * paused.
 */
class ContinuousTriggersTest {
    private static final Duration INITIAL = Duration.ofSeconds(10);
    private static final Duration MAX = Duration.ofMinutes(10);
    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final Pipeline STREAM = parse("""
            pipeline: stream
            trigger: continuous
            tasks: [{id: t, sql: SELECT 1}]
            """);
    private static final Pipeline DAILY = parse("""
            pipeline: daily
            schedule: {cron: "0 6 * * *"}
            tasks: [{id: t, sql: SELECT 1}]
            """);

    private final InMemoryRunStore store = InMemoryRunStore.create("a");
    private final MutableClock clock = new MutableClock(T0);
    private final RunIds ids = new RunIds(clock);
    private final List<String> created = new CopyOnWriteArrayList<>(); // "runId key"
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final List<ContinuousTriggers> daemons = new ArrayList<>();

    private static Pipeline parse(String yaml) {
        ParseResult result = new PipelineParser(ParserOptions.lenient()).parse(Path.of("p.yml"), yaml);
        assertThat(result.problems()).isEmpty();
        return result.pipeline().orElseThrow();
    }

    /** Another daemon sharing the history. */
    private ContinuousTriggers daemon() {
        ContinuousTriggers triggers = new ContinuousTriggers(
                () -> List.of(STREAM, DAILY),
                store,
                (pipeline, trigger, time, key) -> {
                    RunRecord run = new RunRecord(
                            ids.next(),
                            pipeline.id(),
                            "hash",
                            Optional.empty(),
                            trigger,
                            time,
                            Map.of(),
                            RunState.QUEUED,
                            clock.instant(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty());
                    if (!store.insertKeyedRun(run, List.of("t"), key)) {
                        return Optional.empty();
                    }
                    created.add(run.runId() + " " + key);
                    return Optional.of(run);
                },
                paused::contains,
                clock,
                INITIAL,
                MAX);
        daemons.add(triggers);
        return triggers;
    }

    @AfterEach
    void close() throws InterruptedException {
        for (ContinuousTriggers daemon : daemons) {
            daemon.close();
        }
    }

    /** Every daemon looks at every pipeline, and has finished looking. */
    private void lookAll() {
        for (ContinuousTriggers daemon : daemons) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            daemon.afterPending(() -> {
                daemon.checkAll();
                done.complete(null);
            });
            await().atMost(Duration.ofSeconds(10)).until(done::isDone);
        }
    }

    /** Ends the pipeline's newest run as {@code state}, having run since it was made, and tells every daemon. */
    private RunRecord end(RunState state) {
        RunRecord run = store.recentRuns(List.of("stream"), 1).get("stream").get(0);
        store.updateRunState(
                run.runId(), RunState.RUNNING, Optional.of(run.createdAt()), Optional.empty(), Optional.empty());
        store.updateRunState(
                run.runId(), state, Optional.of(run.createdAt()), Optional.of(clock.instant()), Optional.empty());
        daemons.forEach(d -> d.runChanged(run.runId(), "stream", state, Optional.empty()));
        return run;
    }

    private List<RunRecord> runs() {
        return store.recentRuns(List.of("stream", "daily"), 100).values().stream()
                .flatMap(List::stream)
                .toList();
    }

    @Test
    void twoDaemonsMakeOneRunAndItsSuccessorOnce() {
        daemon();
        daemon();
        lookAll();
        lookAll();

        assertThat(runs()).singleElement().satisfies(run -> {
            assertThat(run.pipelineId()).isEqualTo("stream");
            assertThat(run.trigger()).isEqualTo(TriggerType.CONTINUOUS);
            assertThat(run.logicalTime()).isEqualTo(T0);
        });
        assertThat(created).singleElement().asString().endsWith(" continuous:after:none");

        clock.advance(Duration.ofMinutes(1));
        RunRecord first = end(RunState.SUCCEEDED);
        lookAll();
        lookAll();

        assertThat(runs()).hasSize(2);
        assertThat(created.get(1)).endsWith(" continuous:after:" + first.runId());
        assertThat(store.recentRuns(List.of("stream"), 1).get("stream").get(0).logicalTime())
                .isEqualTo(T0.plus(Duration.ofMinutes(1)));
    }

    @Test
    void aCancelledRunIsFollowedAtOnceAFailedOneAfterADoublingBackoff() {
        daemon();
        lookAll();
        clock.advance(Duration.ofSeconds(5));
        end(RunState.CANCELLED);
        lookAll();
        assertThat(runs()).hasSize(2);

        clock.advance(Duration.ofSeconds(5));
        end(RunState.FAILED);
        lookAll();
        assertThat(runs()).as("waits 10 s").hasSize(2);
        clock.advance(INITIAL.minusMillis(1));
        lookAll();
        assertThat(runs()).hasSize(2);
        clock.advance(Duration.ofMillis(1));
        lookAll();
        assertThat(runs()).hasSize(3);

        clock.advance(Duration.ofSeconds(5));
        end(RunState.FAILED);
        clock.advance(Duration.ofSeconds(19));
        lookAll();
        assertThat(runs()).as("the second failure in a row waits 20 s").hasSize(3);
        clock.advance(Duration.ofSeconds(1));
        lookAll();
        assertThat(runs()).hasSize(4);
    }

    @Test
    void aPausedPipelineGetsNoRun() {
        paused.add("stream");
        daemon();
        lookAll();
        assertThat(runs()).isEmpty();

        paused.remove("stream");
        lookAll();
        assertThat(runs()).hasSize(1);
    }

    @Test
    void theBackoffDoublesWithFailuresInARowUpToItsCapAndStartsAgainAfterARunThatLivedTheCap() {
        assertThat(ContinuousTriggers.backoff(List.of(), INITIAL, MAX)).isZero();
        assertThat(ContinuousTriggers.backoff(List.of(ended(RunState.SUCCEEDED, 1)), INITIAL, MAX))
                .isZero();
        assertThat(ContinuousTriggers.backoff(List.of(ended(RunState.CANCELLED, 1)), INITIAL, MAX))
                .isZero();
        assertThat(ContinuousTriggers.backoff(
                        List.of(ended(RunState.FAILED, 1), ended(RunState.SUCCEEDED, 1)), INITIAL, MAX))
                .isEqualTo(INITIAL);
        assertThat(ContinuousTriggers.backoff(
                        List.of(ended(RunState.FAILED, 1), ended(RunState.FAILED, 1), ended(RunState.FAILED, 1)),
                        INITIAL,
                        MAX))
                .isEqualTo(Duration.ofSeconds(40));
        List<RunRecord> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(ended(RunState.FAILED, 1));
        }
        assertThat(ContinuousTriggers.backoff(many, INITIAL, MAX)).isEqualTo(MAX);
        // the second newest lived 10 minutes: the count starts again with it
        assertThat(ContinuousTriggers.backoff(
                        List.of(ended(RunState.FAILED, 1), ended(RunState.FAILED, 600), ended(RunState.FAILED, 1)),
                        INITIAL,
                        MAX))
                .isEqualTo(Duration.ofSeconds(20));
    }

    private RunRecord ended(RunState state, long livedSeconds) {
        return new RunRecord(
                ids.next(),
                "stream",
                "hash",
                Optional.empty(),
                TriggerType.CONTINUOUS,
                T0,
                Map.of(),
                state,
                T0,
                Optional.of(T0),
                Optional.of(T0.plusSeconds(livedSeconds)),
                Optional.empty(),
                Optional.empty());
    }
}
