package io.kindling.scheduler.schedule;

import io.dropwizard.lifecycle.Managed;
import io.kindling.dsl.CronSchedules;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import io.kindling.scheduler.db.ScheduleDao;
import io.kindling.scheduler.db.ScheduleState;
import io.kindling.scheduler.model.ScheduledRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which scheduled logical times are due, from the clock and each pipeline's cursor (the newest time
 * already dealt with), and starts their runs. Quartz only wakes it up; the clock alone decides what is due, so
 * downtime, pauses and a test's clock all go through the same code: every cron time after the cursor up to now
 * is due, all of them in order with {@code catchup: true}, only the newest with {@code catchup: false}.
 */
public final class ScheduleTicker implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleTicker.class);
    /** Most runs one catch-up makes; older missed times are passed over, with a warning (a backfill can run them). */
    static final int MAX_CATCHUP = 1000;

    private static final int PAGE = 10_000;

    /**
     * A wake-up this close before the time it is for ticks for that time: Quartz may wake a job a few milliseconds
     * early, and a fire prepared ahead ({@link CronScheduler}) wakes {@link CronScheduler#PREPARE_LEAD} early. The
     * runs of such a tick are committed at their time, not before.
     */
    static final Duration EARLY_WAKE = Duration.ofSeconds(1);

    /**
     * Starts scheduled runs, all of them together (one transaction); a duplicate logical time must be a no-op (the
     * database's unique key sees to it).
     */
    @FunctionalInterface
    public interface RunStarter {
        /**
         * @param publishAt present when the tick was woken ahead of the time it ticks for (a fire prepared ahead,
         *     or Quartz a little early): the runs must not be committed before it
         */
        void start(List<ScheduledRun> runs, Optional<Instant> publishAt);
    }

    /**
     * Logical times in a range that a backfill has already run or is running, per pipeline (those without any may
     * be left out): catch-up leaves them be.
     */
    @FunctionalInterface
    public interface BackfilledTimes {
        Map<String, Set<Instant>> in(Collection<String> pipelineIds, Instant from, Instant to);
    }

    private final Function<String, Optional<Pipeline>> pipelines;
    private final BackfilledTimes backfilled;
    private final Supplier<Collection<Pipeline>> allPipelines;
    private final ScheduleDao dao;
    private final RunStarter starter;
    private final Clock clock;

    public ScheduleTicker(
            Function<String, Optional<Pipeline>> pipelines,
            Supplier<Collection<Pipeline>> allPipelines,
            ScheduleDao dao,
            BackfilledTimes backfilled,
            RunStarter starter,
            Clock clock) {
        this.pipelines = pipelines;
        this.backfilled = backfilled;
        this.allPipelines = allPipelines;
        this.dao = dao;
        this.starter = starter;
        this.clock = clock;
    }

    /** Catches up on what was missed while the daemon was down, before Quartz starts waking us. */
    @Override
    public void start() {
        tickAll();
    }

    public void tickAll() {
        tick(List.copyOf(allPipelines.get()), Optional.empty());
    }

    /** Starts the runs of {@code pipelineId} that are due. */
    public void tick(String pipelineId) {
        pipelines.apply(pipelineId).ifPresent(p -> tick(List.of(p), Optional.empty()));
    }

    /**
     * Starts the runs of {@code candidates} that are due, for all of them together: their states are read in one
     * query, their runs created in one transaction and their cursors moved in another, whatever their number.
     * Unscheduled and paused pipelines are passed over.
     *
     * @param wokenFor the fire time Quartz woke us for, if it did
     */
    public synchronized void tick(List<Pipeline> candidates, Optional<Instant> wokenFor) {
        List<Pipeline> scheduled =
                candidates.stream().filter(p -> p.schedule().isPresent()).toList();
        if (scheduled.isEmpty()) {
            return;
        }
        Instant now = now();
        Optional<Instant> publishAt = Optional.empty();
        if (wokenFor.isPresent()
                && wokenFor.get().isAfter(now)
                && Duration.between(now, wokenFor.get()).compareTo(EARLY_WAKE) < 0) {
            now = wokenFor.get();
            publishAt = wokenFor;
        }
        Map<String, ScheduleState> states =
                dao.openAll(scheduled.stream().map(Pipeline::id).toList(), now);
        List<ScheduledRun> planned = new ArrayList<>();
        // a thousand pipelines on one cron, fired together, usually have one cursor: work their times out once
        Map<DueKey, List<Instant>> dueByKey = new HashMap<>();
        Map<String, Instant> cursors = new LinkedHashMap<>();
        Instant oldest = null;
        Instant newestOfAll = null;
        for (Pipeline pipeline : scheduled) {
            ScheduleState state = states.get(pipeline.id());
            if (state.paused()) {
                continue;
            }
            Schedule schedule = pipeline.schedule().get();
            Instant at = now;
            List<Instant> due = dueByKey.computeIfAbsent(
                    new DueKey(schedule.quartzCron(), schedule.timezone(), schedule.dstGap(), state.cursor()),
                    k -> dueTimes(pipeline.id(), schedule, k.cursor(), at));
            if (due.isEmpty()) {
                continue;
            }
            Instant newest = due.get(due.size() - 1);
            List<Instant> times = schedule.catchup() ? due : List.of(newest);
            if (times.size() > 1) {
                LOG.info(
                        "Pipeline {}: catching up on {} missed times, {} to {}",
                        pipeline.id(),
                        times.size(),
                        times.get(0),
                        newest);
            }
            times.forEach(t -> planned.add(new ScheduledRun(pipeline, t)));
            cursors.put(pipeline.id(), newest);
            oldest = oldest == null || times.get(0).isBefore(oldest) ? times.get(0) : oldest;
            newestOfAll = newestOfAll == null || newest.isAfter(newestOfAll) ? newest : newestOfAll;
        }
        if (cursors.isEmpty()) {
            return;
        }
        Map<String, Set<Instant>> covered = backfilled.in(cursors.keySet(), oldest, newestOfAll);
        List<ScheduledRun> runs = planned.stream()
                .filter(r -> !covered.getOrDefault(r.pipeline().id(), Set.of()).contains(r.logicalTime()))
                .toList();
        if (!runs.isEmpty()) {
            starter.start(runs, publishAt);
        }
        dao.advanceAll(cursors);
    }

    /** What is due for one cron, time zone, dst_gap and cursor; pipelines that share them share it within a tick. */
    private record DueKey(String quartzCron, java.time.ZoneId timezone, Schedule.DstGap dstGap, Instant cursor) {}

    /** The cron times after {@code cursor} up to {@code now}: the newest {@link #MAX_CATCHUP} of them. */
    private List<Instant> dueTimes(String pipelineId, Schedule schedule, Instant cursor, Instant now) {
        ArrayDeque<Instant> newest = new ArrayDeque<>();
        long total = 0;
        Instant from = cursor;
        List<Instant> page;
        do {
            page = CronSchedules.fireTimesBetween(schedule, from, now, PAGE);
            for (Instant t : page) {
                newest.addLast(t);
                total++;
                if (newest.size() > MAX_CATCHUP) {
                    newest.removeFirst();
                }
            }
            from = page.isEmpty() ? from : page.get(page.size() - 1);
        } while (page.size() == PAGE);
        if (total > newest.size()) {
            // pipelines on the same schedule and cursor share this result, so they share this warning
            LOG.warn(
                    "Pipeline {} (and any others on '{}' in {} since {}): {} scheduled times were missed; the "
                            + "oldest {} are passed over (a backfill can run them)",
                    pipelineId,
                    schedule.expression(),
                    schedule.timezone(),
                    cursor,
                    total,
                    total - newest.size());
        }
        return List.copyOf(newest);
    }

    public void pause(String pipelineId) {
        dao.setPaused(pipelineId, true, now());
        LOG.info("Pipeline {} paused", pipelineId);
    }

    /** Unpauses, then catches up at once on the times missed while paused (all of them, or the newest). */
    public void resume(String pipelineId) {
        dao.setPaused(pipelineId, false, now());
        LOG.info("Pipeline {} resumed", pipelineId);
        tick(pipelineId);
    }

    public Map<String, ScheduleState> states() {
        return dao.all();
    }

    public boolean paused(String pipelineId) {
        return dao.find(pipelineId).map(ScheduleState::paused).orElse(false);
    }

    /** When the pipeline fires next; empty when it has no schedule or is paused. */
    public Optional<Instant> nextFireTime(Pipeline pipeline, boolean paused) {
        if (paused || pipeline.schedule().isEmpty()) {
            return Optional.empty();
        }
        Instant now = now();
        return CronSchedules.nextFireTime(pipeline.schedule().get(), now);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
