package io.kindling.scheduler.schedule;

import io.kindling.dsl.Schedule;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/**
 * What makes two pipelines fire together: the same Quartz cron expression in the same time zone. One Quartz trigger
 * per key, whatever the number of pipelines that have it.
 */
record ScheduleKey(String quartzCron, String timezone) {
    static final String CRON = "cron";
    static final String TIMEZONE = "timezone";
    /** Quartz's job and trigger names are VARCHAR(200). */
    private static final int MAX_NAME = 200;

    static ScheduleKey of(Schedule schedule) {
        return new ScheduleKey(schedule.quartzCron(), schedule.timezone().getId());
    }

    static ScheduleKey of(Map<String, Object> jobData) {
        return new ScheduleKey((String) jobData.get(CRON), (String) jobData.get(TIMEZONE));
    }

    /** The job's and trigger's name: readable in the Quartz tables, unless it would be too long for them. */
    String name() {
        String name = timezone + " " + quartzCron;
        return name.length() <= MAX_NAME
                ? name
                : UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
