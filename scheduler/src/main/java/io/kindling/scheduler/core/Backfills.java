package io.kindling.scheduler.core;

import io.kindling.dsl.CronSchedules;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.IdempotencyKey;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans and starts backfills: one run per scheduled time in a range, except times that already have a run that
 * succeeded or is under way (a failed or cancelled one is run again).
 */
public final class Backfills {
    /** The most runs one backfill may make. */
    public static final int MAX_RUNS = 10_000;

    /**
     * @param times   the logical times to run, oldest first
     * @param skipped runs that already cover a time in range
     */
    public record Plan(Instant from, Instant to, List<Instant> times, List<RunRecord> skipped) {}

    private final RunQueries dao;
    private final RunEngine engine;
    private final RunIds ids;
    private final Clock clock;

    public Backfills(RunQueries dao, RunEngine engine, Clock clock) {
        this.dao = dao;
        this.engine = engine;
        this.ids = new RunIds(clock);
        this.clock = clock;
    }

    /**
     * @param from a date (whole days in the schedule's zone) or an instant; included
     * @param to   the same; included; times after now are left to the schedule
     * @throws IllegalArgumentException when the pipeline has no schedule or the range is not valid
     */
    public Plan plan(Pipeline pipeline, String from, String to) {
        Schedule schedule = pipeline.schedule()
                .orElseThrow(() -> new IllegalArgumentException(
                        "pipeline '" + pipeline.id() + "' has no schedule, so it has no times to backfill"));
        Instant start = bound("from", from, schedule.timezone(), false);
        Instant end = bound("to", to, schedule.timezone(), true);
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("from (" + start + ") is after to (" + end + ")");
        }
        Instant now = clock.instant();
        if (end.isAfter(now)) {
            end = now;
        }
        List<Instant> all = CronSchedules.fireTimesBetween(schedule, start.minusMillis(1), end, MAX_RUNS + 1);
        if (all.size() > MAX_RUNS) {
            throw new IllegalArgumentException(
                    "the range holds more than " + MAX_RUNS + " scheduled times; backfill it in parts");
        }
        Map<Instant, RunRecord> covered = new HashMap<>();
        for (RunRecord run : dao.timedRuns(pipeline.id(), start, end)) {
            if (run.state() != RunState.FAILED && run.state() != RunState.CANCELLED) {
                covered.put(run.logicalTime(), run);
            }
        }
        List<Instant> times = new ArrayList<>();
        List<RunRecord> skipped = new ArrayList<>();
        for (Instant t : all) {
            RunRecord existing = covered.get(t);
            if (existing == null) {
                times.add(t);
            } else {
                skipped.add(existing);
            }
        }
        return new Plan(start, end, times, skipped);
    }

    /** Creates the backfill and its runs; they start as their lane allows. */
    public BackfillRecord start(Pipeline pipeline, Plan plan, int maxActiveRuns) {
        return start(pipeline, plan, maxActiveRuns, Optional.empty()).backfill();
    }

    /** What a start made: {@code created} false when its Idempotency-Key held {@code backfill} already. */
    public record Started(BackfillRecord backfill, boolean created) {}

    /** Starts the plan, at most once per {@code key} within its retention (across daemons). */
    public Started start(Pipeline pipeline, Plan plan, int maxActiveRuns, Optional<IdempotencyKey> key) {
        BackfillRecord backfill = new BackfillRecord(
                ids.next(),
                pipeline.id(),
                plan.from(),
                plan.to(),
                maxActiveRuns,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        String holder = engine.backfill(pipeline, backfill, plan.times(), key);
        if (holder.equals(backfill.backfillId())) {
            return new Started(backfill, true);
        }
        return new Started(
                dao.findBackfill(holder)
                        .orElseThrow(
                                () -> new IllegalStateException("backfill " + holder + " holds a key but is gone")),
                false);
    }

    private static Instant bound(String name, String text, ZoneId zone, boolean endOfDay) {
        String value = text.trim();
        try {
            LocalDate day = LocalDate.parse(value);
            return endOfDay
                    ? day.plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1)
                    : day.atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException notADate) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException notAnInstant) {
                throw new IllegalArgumentException(name + ": expected a date (2026-10-01) or an instant "
                        + "(2026-10-01T06:00:00Z), got '" + text + "'");
            }
        }
    }
}
