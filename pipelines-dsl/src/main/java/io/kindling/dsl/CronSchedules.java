package io.kindling.dsl;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
     * schedule stops firing (a Quartz expression with a year field).
     */
    public static List<ZonedDateTime> nextFireTimes(Schedule schedule, Instant after, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count is negative");
        }
        CronExpression cron = parse(schedule.quartzCron(), schedule.quartzCron());
        cron.setTimeZone(TimeZone.getTimeZone(schedule.timezone()));
        List<ZonedDateTime> times = new ArrayList<>(count);
        Date last = Date.from(after);
        while (times.size() < count) {
            last = cron.getNextValidTimeAfter(last);
            if (last == null) {
                break;
            }
            times.add(last.toInstant().atZone(schedule.timezone()));
        }
        return times;
    }

    /**
     * The fire times in {@code (after, upTo]}, oldest first; at most {@code limit} of them, the oldest, so a
     * caller that gets {@code limit} back knows there may be more.
     */
    public static List<Instant> fireTimesBetween(Schedule schedule, Instant after, Instant upTo, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative");
        }
        CronExpression cron = parse(schedule.quartzCron(), schedule.quartzCron());
        cron.setTimeZone(TimeZone.getTimeZone(schedule.timezone()));
        List<Instant> times = new ArrayList<>();
        Date last = Date.from(after);
        while (times.size() < limit) {
            last = cron.getNextValidTimeAfter(last);
            if (last == null || last.toInstant().isAfter(upTo)) {
                break;
            }
            times.add(last.toInstant());
        }
        return times;
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
        parse(quartz, original);
        return quartz;
    }

    private static CronExpression parse(String quartz, String original) {
        try {
            return new CronExpression(quartz);
        } catch (ParseException e) {
            String detail = quartz.equals(original) ? "" : " (as Quartz: '" + quartz + "')";
            throw new IllegalArgumentException(
                    "cron: invalid expression '" + original + "'" + detail + ": " + e.getMessage());
        }
    }
}
