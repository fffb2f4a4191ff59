package io.kindling.scheduler.metrics;

import io.kindling.dsl.Pipeline;
import io.kindling.scheduler.schedule.FireHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times each cron fire's lateness, {@code kindling_scheduler_lag_seconds{pipeline}}: when Quartz actually woke us
 * minus the fire time it was scheduled for, then hands the fire on. One fire wakes every pipeline of its schedule at
 * once, so each of them gets that lateness. A fire Quartz wakes early counts as 0: a few ms, or a fire prepared
 * ahead ({@link io.kindling.scheduler.schedule.CronScheduler}).
 * Times missed while the daemon was down are caught up without a fire, so they are not in it.
 */
public final class FireLag implements FireHandler {
    private final MeterRegistry registry;
    /** Real time: Quartz fires by the wall clock, whatever clock schedules runs. */
    private final Clock clock;

    private final FireHandler next;
    /**
     * The last fire time timed per schedule (time zone and cron). A fire prepared ahead is followed by the cron
     * trigger's own, for the same time, once it is done: that one is not timed again.
     */
    private final Map<String, Instant> lastTimed = new ConcurrentHashMap<>();

    public FireLag(MeterRegistry registry, Clock clock, FireHandler next) {
        this.registry = registry;
        this.clock = clock;
        this.next = next;
    }

    @Override
    public void fire(List<Pipeline> pipelines, Instant scheduledTime) {
        String schedule = pipelines.isEmpty()
                ? ""
                : pipelines
                        .get(0)
                        .schedule()
                        .map(s -> s.timezone().getId() + " " + s.quartzCron())
                        .orElse("");
        if (scheduledTime.equals(lastTimed.put(schedule, scheduledTime))) {
            next.fire(pipelines, scheduledTime);
            return;
        }
        Duration lag = Duration.between(scheduledTime, clock.instant());
        for (Pipeline pipeline : pipelines) {
            Timer.builder("kindling.scheduler.lag")
                    .description("Actual minus scheduled fire time of cron fires")
                    .tag("pipeline", pipeline.id())
                    .register(registry)
                    .record(lag.isNegative() ? Duration.ZERO : lag);
        }
        next.fire(pipelines, scheduledTime);
    }
}
