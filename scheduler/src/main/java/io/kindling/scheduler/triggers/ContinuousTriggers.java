package io.kindling.scheduler.triggers;

import io.kindling.dsl.Pipeline;
import io.kindling.scheduler.core.RunListener;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TriggerType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one run of each {@code trigger: continuous} pipeline going. When a pipeline that is not paused has no run
 * active, the next one is made: at once after a run that succeeded or was cancelled, after a backoff after one that
 * failed ({@code initialBackoff} doubling with each failure in a row, up to {@code maxBackoff}; a failed run that
 * lived at least {@code maxBackoff} counts as the first failure again). Each run is made under the key
 * {@code continuous:after:<the pipeline's newest run>} ({@code continuous:after:none} for its first), which the
 * history holds once per pipeline, so however many daemons look, a run has one successor. Runs end on the engine's
 * thread; this looks on a thread of its own, when a run ends and every {@code checkEvery}.
 */
public final class ContinuousTriggers implements RunListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContinuousTriggers.class);
    /** How many of a pipeline's newest runs are read: an active one, and the failures in a row before it. */
    private static final int HISTORY = 32;

    private final Supplier<Collection<Pipeline>> pipelines;
    private final RunQueries runs;
    private final UpstreamTriggers.Once once;
    private final Predicate<String> paused;
    private final Clock clock;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "kindling-continuous-triggers");
        thread.setDaemon(true);
        return thread;
    });
    /** The looks scheduled for a backoff's end, by pipeline: the worker's own. */
    private final Map<String, ScheduledFuture<?>> waits = new HashMap<>();

    /** @param paused whether a pipeline is paused: a paused one gets no run */
    public ContinuousTriggers(
            Supplier<Collection<Pipeline>> pipelines,
            RunQueries runs,
            UpstreamTriggers.Once once,
            Predicate<String> paused,
            Clock clock,
            Duration initialBackoff,
            Duration maxBackoff) {
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "backoff must be 0 <= initial <= max, got " + initialBackoff + " and " + maxBackoff);
        }
        this.pipelines = pipelines;
        this.runs = runs;
        this.once = once;
        this.paused = paused;
        this.clock = clock;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** Looks at every continuous pipeline now and then every {@code period}: starts, resumes, new pipelines. */
    public void checkEvery(Duration period) {
        worker.scheduleWithFixedDelay(this::checkAll, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
        if (state.terminal()) {
            worker.execute(() -> pipelines.get().stream()
                    .filter(p -> p.id().equals(pipelineId) && p.continuous())
                    .findFirst()
                    .ifPresent(this::check));
        }
    }

    void checkAll() {
        for (Pipeline pipeline : pipelines.get()) {
            if (pipeline.continuous()) {
                check(pipeline);
            }
        }
    }

    private void check(Pipeline pipeline) {
        try {
            if (paused.test(pipeline.id())) {
                return;
            }
            List<RunRecord> recent =
                    runs.recentRuns(List.of(pipeline.id()), HISTORY).getOrDefault(pipeline.id(), List.of());
            if (recent.stream().anyMatch(r -> !r.state().terminal())) {
                return;
            }
            Instant now = clock.instant();
            Optional<RunRecord> newest = recent.stream().findFirst();
            Duration backoff = backoff(recent, initialBackoff, maxBackoff);
            Instant due = newest.flatMap(RunRecord::endedAt)
                    .map(end -> end.plus(backoff))
                    .orElse(now);
            if (now.isBefore(due)) {
                waitUntil(pipeline, Duration.between(now, due));
                return;
            }
            String key = "continuous:after:" + newest.map(RunRecord::runId).orElse("none");
            once.trigger(pipeline, TriggerType.CONTINUOUS, now, key)
                    .ifPresent(run -> LOG.info(
                            "Pipeline {}: continuous run {} started{}",
                            pipeline.id(),
                            run.runId(),
                            newest.map(r -> " after run " + r.runId() + " " + r.state()
                                            + (backoff.isZero() ? "" : " and a backoff of " + backoff))
                                    .orElse("")));
        } catch (RuntimeException e) { // the next look, at the latest checkEvery from now, tries again
            LOG.error("Could not keep continuous pipeline {} going", pipeline.id(), e);
        }
    }

    private void waitUntil(Pipeline pipeline, Duration wait) {
        ScheduledFuture<?> pending = waits.get(pipeline.id());
        if (pending != null && !pending.isDone()) {
            return;
        }
        waits.put(
                pipeline.id(),
                worker.schedule(
                        () -> pipelines.get().stream()
                                .filter(p -> p.id().equals(pipeline.id()) && p.continuous())
                                .findFirst()
                                .ifPresent(this::check),
                        wait.toMillis() + 1,
                        TimeUnit.MILLISECONDS));
    }

    /**
     * How long after the newest run's end the next may start: none after a run that did not fail; after {@code n}
     * failures in a row, {@code initial * 2^(n-1)} up to {@code max}. The count stops at a failed run that lived at
     * least {@code max}: it ran long enough to be trusted again.
     *
     * @param newestFirst the pipeline's newest runs, all ended
     */
    static Duration backoff(List<RunRecord> newestFirst, Duration initial, Duration max) {
        int failures = 0;
        for (RunRecord run : newestFirst) {
            if (run.state() != RunState.FAILED) {
                break;
            }
            failures++;
            Instant started = run.startedAt().orElse(run.createdAt());
            if (run.endedAt()
                    .map(end -> Duration.between(started, end).compareTo(max) >= 0)
                    .orElse(false)) {
                break;
            }
        }
        if (failures == 0) {
            return Duration.ZERO;
        }
        Duration wait = initial;
        for (int i = 1; i < failures && wait.compareTo(max) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    /** For tests: runs {@code task} on the worker after everything told before it. */
    void afterPending(Runnable task) {
        worker.execute(task);
    }

    @Override
    public void close() throws InterruptedException {
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
