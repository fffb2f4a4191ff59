package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;
import java.util.Locale;

/**
 * When a pipeline fires.
 *
 * @param expression      the cron text as written in the file
 * @param quartzCron      the same schedule as a Quartz cron expression (6 or 7 fields)
 * @param timezone        the zone the expression is read in
 * @param catchup         after downtime, run every missed time (true) or only the latest (false)
 * @param dstGap          what a fixed-time schedule does on the day clocks go forward past its time
 */
public record Schedule(String expression, String quartzCron, ZoneId timezone, boolean catchup, DstGap dstGap) {
    /** {@code schedule.dst_gap}: a daily time that does not exist on the day clocks go forward. */
    public enum DstGap {
        /** No run that day (Quartz's behaviour). */
        SKIP,
        /** Run at the first instant after the jump (cronie's behaviour); the default. */
        RUN_AFTER;

        /** As written in a pipeline file: {@code skip}, {@code run_after}. */
        public String yaml() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Schedule {
        requireNonNull(expression, "expression is null");
        requireNonNull(quartzCron, "quartzCron is null");
        requireNonNull(timezone, "timezone is null");
        requireNonNull(dstGap, "dstGap is null");
    }

    /** A schedule with the default {@code dst_gap: run_after}. */
    public Schedule(String expression, String quartzCron, ZoneId timezone, boolean catchup) {
        this(expression, quartzCron, timezone, catchup, DstGap.RUN_AFTER);
    }
}
