package io.kindling.dsl;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * The cron dialects a schedule may be written in, all turned into the Quartz cron the scheduler fires with:
 * 5-field Unix cron, Quartz 6/7-field cron, and the {@code @hourly}-style macros.
 */
public final class CronSchedules {
    private static final Map<String, String> MACROS = Map.of(
            "@hourly", "0 0 * * * ?",
            "@daily", "0 0 0 * * ?",
            "@midnight", "0 0 0 * * ?",
            "@weekly", "0 0 0 ? * SUN",
            "@monthly", "0 0 0 1 * ?",
            "@yearly", "0 0 0 1 1 ?",
            "@annually", "0 0 0 1 1 ?");

    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private CronSchedules() {}

    /**
     * The Quartz cron expression for {@code expression}; an {@link IllegalArgumentException} whose message
     * starts with {@code cron:} and says what is wrong when it is not valid.
     */
    public static String toQuartz(String expression) {
        String text = expression == null ? "" : expression.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("cron: empty expression");
        }
        if (text.startsWith("@")) {
            String quartz = MACROS.get(text.toLowerCase(Locale.ROOT));
            if (quartz == null) {
                throw new IllegalArgumentException("cron: unknown macro '" + text
                        + "' (use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)");
            }
            return quartz;
        }
        String[] fields = text.split("\\s+");
        if (fields.length == 5) {
            return validated(fromUnix(fields), text);
        }
        if (fields.length == 6 || fields.length == 7) {
            return validated(String.join(" ", fields), text);
        }
        throw new IllegalArgumentException("cron: expected 5 fields (Unix: minute hour day-of-month month "
                + "day-of-week) or 6-7 fields (Quartz: second first), got " + fields.length + " in '" + text + "'");
    }

    /**
     * The next {@code count} fire times strictly after {@code after}, in the schedule's zone. Fewer when the
     * schedule stops firing (a Quartz expression with a year field). Computed by {@link #fireTimesBetween}'s rules.
     */
    public static List<ZonedDateTime> nextFireTimes(Schedule schedule, Instant after, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count is negative");
        }
        List<ZonedDateTime> times = new ArrayList<>(count);
        FireTimes fires = new FireTimes(schedule, after);
        while (times.size() < count) {
            Instant next = fires.next();
            if (next == null) {
                break;
            }
            times.add(next.atZone(schedule.timezone()));
        }
        return times;
    }

    /** The first fire time strictly after {@code after}; empty when the schedule fires no more. */
    public static Optional<Instant> nextFireTime(Schedule schedule, Instant after) {
        return Optional.ofNullable(new FireTimes(schedule, after).next());
    }

    /**
     * The fire times in {@code (after, upTo]}, oldest first; at most {@code limit} of them, the oldest, so a
     * caller that gets {@code limit} back knows there may be more.
     *
     * <p>The one definition of when a schedule fires, used by the daemon's ticker, its wake-ups, the API's next fire
     * time, backfills and {@code validate --next}: each local date-time the cron matches, read in the schedule's
     * zone, is one fire time. A local time that happens twice (clocks go back) fires once, at its second
     * occurrence; a local time that does not exist (clocks go forward) fires at the first instant after the jump
     * with {@code dst_gap: run_after} when the minute and hour fields are not {@code *} or {@code *}/n, and not at
     * all otherwise. Several local times that land on the same instant fire once. Unlike Quartz's own
     * computation, the answer does not depend on where in a repeated hour {@code after} falls.
     */
    public static List<Instant> fireTimesBetween(Schedule schedule, Instant after, Instant upTo, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative");
        }
        List<Instant> times = new ArrayList<>();
        FireTimes fires = new FireTimes(schedule, after);
        while (times.size() < limit) {
            Instant next = fires.next();
            if (next == null || next.isAfter(upTo)) {
                break;
            }
            times.add(next);
        }
        return times;
    }

    /** Whether the Quartz expression matches no time at all after {@code after} (e.g. 30 February). */
    static boolean neverFires(String quartz, Instant after) {
        CronExpression cron = parse(quartz, quartz);
        cron.setTimeZone(UTC);
        return cron.getNextValidTimeAfter(Date.from(after)) == null;
    }

    /**
     * Walks the local date-times the cron matches (Quartz reading them in UTC, where no clock ever changes) and
     * maps each to an instant in the schedule's zone. That mapping never goes backwards, so the first local time
     * whose instant is after the start, and those after it, are the fire times in order.
     */
    private static final class FireTimes {
        private final CronExpression cron;
        private final ZoneId zone;
        private final boolean runAfterGap;
        private Date local;
        private Instant last;

        FireTimes(Schedule schedule, Instant after) {
            cron = parse(schedule.quartzCron(), schedule.quartzCron());
            cron.setTimeZone(UTC);
            zone = schedule.timezone();
            runAfterGap =
                    schedule.dstGap() == Schedule.DstGap.RUN_AFTER && !CronFields.wildcardTime(schedule.quartzCron());
            last = after;
            // local times up to the largest clock change around `after` earlier may still fire after it
            LocalDateTime start = LocalDateTime.ofInstant(after, zone).minus(shiftAround(zone, after));
            local = Date.from(start.minusSeconds(1).toInstant(ZoneOffset.UTC));
        }

        /** The next fire time, or null when there is none. */
        Instant next() {
            while (true) {
                local = cron.getNextValidTimeAfter(local);
                if (local == null) {
                    return null;
                }
                Instant at = instant(LocalDateTime.ofInstant(local.toInstant(), ZoneOffset.UTC));
                if (at != null && at.isAfter(last)) {
                    last = at;
                    return at;
                }
            }
        }

        private Instant instant(LocalDateTime time) {
            ZoneRules rules = zone.getRules();
            List<ZoneOffset> offsets = rules.getValidOffsets(time);
            if (offsets.isEmpty()) { // in a gap: the jump's instant is the first valid one after it
                return runAfterGap ? rules.getTransition(time).getInstant() : null;
            }
            // in an overlap the smaller offset is the later instant: the second occurrence
            ZoneOffset offset = Collections.min(offsets, Comparator.comparingInt(ZoneOffset::getTotalSeconds));
            return time.toInstant(offset);
        }

        private static Duration shiftAround(ZoneId zone, Instant at) {
            ZoneRules rules = zone.getRules();
            Duration shift = Duration.ZERO;
            ZoneOffsetTransition t = rules.previousTransition(at.plus(Duration.ofDays(2)));
            while (t != null && t.getInstant().isAfter(at.minus(Duration.ofDays(2)))) {
                Duration d = t.getDuration().abs();
                shift = d.compareTo(shift) > 0 ? d : shift;
                t = rules.previousTransition(t.getInstant());
            }
            return shift;
        }
    }

    private static String fromUnix(String[] f) {
        String dom = f[2];
        String dow = f[4];
        boolean domFree = dom.equals("*") || dom.equals("?");
        boolean dowFree = dow.equals("*") || dow.equals("?");
        if (dowFree) {
            dow = "?";
            dom = dom.equals("?") ? "*" : dom;
        } else if (domFree) {
            dom = "?";
            dow = UnixDaysOfWeek.toQuartz(dow);
        } else {
            throw new IllegalArgumentException(
                    "cron: day-of-month and day-of-week cannot both be restricted; use a Quartz expression");
        }
        return String.join(" ", "0", f[0], f[1], dom, f[3], dow);
    }

    private static String validated(String quartz, String original) {
        String normalized = String.join(" ", CronFields.normalize(quartz.split(" ")));
        parse(normalized, original);
        return normalized;
    }

    /** Never passes on Quartz's message: some of them are Java exception texts. */
    private static CronExpression parse(String quartz, String original) {
        try {
            return new CronExpression(quartz);
        } catch (ParseException | RuntimeException e) {
            String detail = quartz.equals(original) ? "" : " (as Quartz: '" + quartz + "')";
            throw new IllegalArgumentException("cron: invalid expression '" + original + "'" + detail);
        }
    }
}
