package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A scheduled pipeline's {@code deadline:}: by when the run of each scheduled time must have succeeded
 * ({@code done_by} on the logical date, or {@code after_schedule} after the scheduled time), and within how long of
 * that time it must have started ({@code start_within}). Each part is optional, but there is at least one, and at most
 * one of {@code done_by} and {@code after_schedule}.
 *
 * @param doneBy        a time of day on the logical date (the first one after the scheduled time)
 * @param zone          the zone of {@code doneBy}; empty: the schedule's
 * @param afterSchedule the run must have succeeded this long after its scheduled time
 * @param startWithin   the run must have started this long after its scheduled time
 */
public record Deadline(
        Optional<LocalTime> doneBy,
        Optional<ZoneId> zone,
        Optional<Duration> afterSchedule,
        Optional<Duration> startWithin) {

    public Deadline {
        requireNonNull(doneBy, "doneBy is null");
        requireNonNull(zone, "zone is null");
        requireNonNull(afterSchedule, "afterSchedule is null");
        requireNonNull(startWithin, "startWithin is null");
        if (doneBy.isPresent() && afterSchedule.isPresent()) {
            throw new IllegalArgumentException("done_by and after_schedule exclude each other");
        }
    }

    /**
     * When the run of {@code scheduled} must have succeeded: {@code scheduled + after_schedule}, or {@code done_by}
     * on the date {@code scheduled} falls on in the zone, moved a day on until it is after {@code scheduled} (a cron at
     * 23:00 with {@code done_by: "07:00"} is due at 07:00 the next morning). A {@code done_by} that a DST gap skips is
     * moved forward by the gap, as {@link ZonedDateTime#of} does.
     */
    public Optional<Instant> doneDeadline(Instant scheduled, ZoneId scheduleZone) {
        if (afterSchedule.isPresent()) {
            return Optional.of(scheduled.plus(afterSchedule.get()));
        }
        return doneBy.map(time -> {
            ZoneId z = zone.orElse(scheduleZone);
            ZonedDateTime due = ZonedDateTime.of(scheduled.atZone(z).toLocalDate(), time, z);
            while (!due.toInstant().isAfter(scheduled)) {
                due = ZonedDateTime.of(due.toLocalDate().plusDays(1), time, z);
            }
            return due.toInstant();
        });
    }

    /** When the run of {@code scheduled} must have started. */
    public Optional<Instant> startDeadline(Instant scheduled) {
        return startWithin.map(scheduled::plus);
    }

    /** The longest a deadline of this pipeline lies after its scheduled time (at most a day and a DST hour for done_by). */
    public Duration reach() {
        Duration done = afterSchedule.orElse(doneBy.isPresent() ? Duration.ofHours(25) : Duration.ZERO);
        Duration start = startWithin.orElse(Duration.ZERO);
        return done.compareTo(start) >= 0 ? done : start;
    }
}
