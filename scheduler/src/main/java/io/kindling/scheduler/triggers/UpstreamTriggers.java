package io.kindling.scheduler.triggers;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.UpstreamTrigger;
import io.kindling.scheduler.core.RunListener;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TriggerType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the runs of pipelines with {@code trigger: {after: ...}}: told of every run that ends (on the engine's
 * thread), it looks on a thread of its own at the pipelines waiting for that one, and creates a downstream run when
 * every upstream has a run in the wanted state, for the same calendar date in the downstream's zone ({@code match:
 * logical_date}) or for this run alone ({@code match: any}). Each run is created under a key ({@code date:<date>} or
 * {@code run:<id>.<repair>}) that the history holds once per pipeline, so two daemons, or an event seen twice, make one
 * run. An upstream backfill or repair of a date that already has its downstream run triggers it again under a key of
 * its own, unless {@code on_upstream_rerun: ignore}.
 */
public final class UpstreamTriggers implements RunListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTriggers.class);

    /** Creates a run of the pipeline under a key, unless one exists (the engine's {@code triggerOnce}). */
    @FunctionalInterface
    public interface Once {
        Optional<RunRecord> trigger(Pipeline pipeline, TriggerType trigger, Instant logicalTime, String key);
    }

    private final Supplier<Collection<Pipeline>> pipelines;
    private final RunQueries runs;
    private final Once once;
    private final Predicate<String> paused;
    private final Clock clock;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "kindling-upstream-triggers");
        thread.setDaemon(true);
        return thread;
    });
    private Instant caughtUpTo; // the worker's own

    /** @param paused whether a pipeline is paused: a paused one gets no run (the ends are not kept for later) */
    public UpstreamTriggers(
            Supplier<Collection<Pipeline>> pipelines,
            RunQueries runs,
            Once once,
            Predicate<String> paused,
            Clock clock) {
        this.pipelines = pipelines;
        this.runs = runs;
        this.once = once;
        this.paused = paused;
        this.clock = clock;
    }

    /**
     * Also looks, every {@code period}, at the upstream runs that ended since the last look (the first time: in the
     * last {@link #FIRST_LOOK}), so an end no daemon looked at (one killed between committing it and creating the
     * downstream run) is not lost; the run keys keep what was made already from being made again.
     */
    public void catchUpEvery(Duration period) {
        worker.scheduleWithFixedDelay(this::catchUp, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    static final Duration FIRST_LOOK = Duration.ofDays(2);
    /** Ends are committed with the time they happened, a moment before they can be read. */
    private static final Duration OVERLAP = Duration.ofMinutes(5);

    void catchUp() {
        try {
            Instant now = clock.instant();
            Instant since = caughtUpTo == null ? now.minus(FIRST_LOOK) : caughtUpTo.minus(OVERLAP);
            for (Pipeline downstream : pipelines.get()) {
                if (downstream.trigger().isEmpty()) {
                    continue;
                }
                UpstreamTrigger trigger = downstream.trigger().get();
                for (UpstreamTrigger.After after : trigger.after()) {
                    for (RunRecord upstream : runs.runsEndedSince(after.pipeline(), since)) {
                        consider(
                                downstream,
                                trigger,
                                after,
                                upstream,
                                runs.repairs(upstream.runId()).size());
                    }
                }
            }
            caughtUpTo = now;
        } catch (RuntimeException e) { // the next look covers this one's window too
            LOG.error("Could not look for upstream runs that ended unnoticed", e);
        }
    }

    @Override
    public void runChanged(String runId, String pipelineId, RunState state, Optional<String> error) {
        if (state.terminal()) {
            worker.execute(() -> ended(runId, pipelineId));
        }
    }

    private void ended(String runId, String pipelineId) {
        try {
            Optional<RunRecord> found = runs.findRun(runId);
            if (found.isEmpty()) {
                return;
            }
            RunRecord upstream = found.get();
            int repair = runs.repairs(runId).size();
            for (Pipeline downstream : pipelines.get()) {
                downstream
                        .trigger()
                        .ifPresent(trigger -> trigger.after().stream()
                                .filter(after -> after.pipeline().equals(pipelineId))
                                .findFirst()
                                .ifPresent(after -> consider(downstream, trigger, after, upstream, repair)));
            }
        } catch (RuntimeException e) { // the next run's end is looked at all the same
            LOG.error("Run {} of {} ended, but its downstream pipelines could not be checked", runId, pipelineId, e);
        }
    }

    private void consider(
            Pipeline downstream, UpstreamTrigger trigger, UpstreamTrigger.After after, RunRecord upstream, int repair) {
        if (!wanted(after.state(), upstream.state()) || paused.test(downstream.id())) {
            return;
        }
        String rerunKey = "run:" + upstream.runId() + "." + repair;
        if (trigger.match() == UpstreamTrigger.Match.ANY) {
            create(downstream, upstream.logicalTime(), rerunKey, upstream);
            return;
        }
        ZoneId zone = trigger.timezone();
        LocalDate date = upstream.logicalTime().atZone(zone).toLocalDate();
        Instant from = date.atStartOfDay(zone).toInstant();
        Instant to = date.plusDays(1).atStartOfDay(zone).toInstant();
        for (UpstreamTrigger.After other : trigger.after()) {
            if (!other.pipeline().equals(after.pipeline())
                    && runs.runsBetween(other.pipeline(), from, to).stream()
                            .noneMatch(r -> wanted(other.state(), r.state()))) {
                LOG.debug("Pipeline {} waits for {} on {}", downstream.id(), other.pipeline(), date);
                return;
            }
        }
        String key = "date:" + date;
        if (create(downstream, from, key, upstream)) {
            return;
        }
        // A backfill or repair that ended after the date's run was made is news for it; one that ended before (it
        // waited for another upstream then) is what that run was made from.
        boolean rerun = upstream.trigger() == TriggerType.BACKFILL || repair > 0;
        if (rerun
                && trigger.rerun()
                && runs.runByKey(downstream.id(), key)
                        .filter(first -> upstream.endedAt()
                                .filter(end -> !first.createdAt().isAfter(end))
                                .isPresent())
                        .isPresent()) {
            create(downstream, from, key + "/" + rerunKey, upstream);
        }
    }

    private boolean create(Pipeline downstream, Instant logicalTime, String key, RunRecord upstream) {
        Optional<RunRecord> run = once.trigger(downstream, TriggerType.UPSTREAM, logicalTime, key);
        run.ifPresent(r -> LOG.info(
                "Pipeline {}: run {} for {} started by run {} of {} ({})",
                downstream.id(),
                r.runId(),
                logicalTime,
                upstream.runId(),
                upstream.pipelineId(),
                key));
        return run.isPresent();
    }

    static boolean wanted(UpstreamTrigger.State wanted, RunState state) {
        return switch (wanted) {
            case SUCCEEDED -> state == RunState.SUCCEEDED;
            case FAILED -> state == RunState.FAILED;
            case DONE -> state.terminal();
        };
    }

    /** For tests: runs {@code task} on the worker after everything told before it. */
    void afterPending(Runnable task) {
        worker.execute(task);
    }

    @Override
    public void close() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }
}
