package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;

/**
 * When a pipeline fires.
 *
 * @param expression      the cron text as written in the file
 * @param quartzCron      the same schedule as a Quartz cron expression (6 or 7 fields)
 * @param timezone        the zone the expression is read in
 * @param catchup         after downtime, run every missed time (true) or only the latest (false)
 */
public record Schedule(String expression, String quartzCron, ZoneId timezone, boolean catchup) {
    public Schedule {
        requireNonNull(expression, "expression is null");
        requireNonNull(quartzCron, "quartzCron is null");
        requireNonNull(timezone, "timezone is null");
    }
}
