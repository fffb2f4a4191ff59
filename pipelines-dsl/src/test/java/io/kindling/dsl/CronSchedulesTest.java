package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronSchedulesTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Schedule schedule(String cron, ZoneId zone) {
        return new Schedule(cron, CronSchedules.toQuartz(cron), zone, false);
    }

    private static ZonedDateTime berlin(String localDateTime) {
        return java.time.LocalDateTime.parse(localDateTime).atZone(BERLIN);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            30 2 * * *       | 0 30 2 * * ?
            */5 * * * *      | 0 */5 * * * ?
            0 9 * * 1-5      | 0 0 9 ? * MON,TUE,WED,THU,FRI
            0 0 * * 0        | 0 0 0 ? * SUN
            0 0 * * 7        | 0 0 0 ? * SUN
            0 0 * * 0,7      | 0 0 0 ? * SUN
            0 0 * * */2      | 0 0 0 ? * SUN,TUE,THU,SAT
            0 0 * * 1/2      | 0 0 0 ? * SUN,MON,WED,FRI
            0 0 * * 1,3-4    | 0 0 0 ? * MON,WED,THU
            0 0 * * 5-7      | 0 0 0 ? * SUN,FRI,SAT
            0 0 * * 5#2      | 0 0 0 ? * FRI#2
            0 0 * * 5L       | 0 0 0 ? * FRIL
            0 0 * * FRI#2    | 0 0 0 ? * FRI#2
            0 0 * * 1,SAT    | 0 0 0 ? * MON,SAT
            0 0 * * MON-FRI  | 0 0 0 ? * MON-FRI
            0 0 * * mon,wed  | 0 0 0 ? * MON,WED
            0 0 1 * *        | 0 0 0 1 * ?
            0 0 ? * 1        | 0 0 0 ? * MON
            15 10 1,15 1-6 * | 0 15 10 1,15 1-6 ?
            0 30 2 * * ?     | 0 30 2 * * ?
            0 0 12 ? * WED 2030 | 0 0 12 ? * WED 2030
            @hourly          | 0 0 * * * ?
            @daily           | 0 0 0 * * ?
            @midnight        | 0 0 0 * * ?
            @weekly          | 0 0 0 ? * SUN
            @monthly         | 0 0 0 1 * ?
            @yearly          | 0 0 0 1 1 ?
            @annually        | 0 0 0 1 1 ?
            """)
    void convertsEachDialectToQuartz(String expression, String quartz) {
        assertThat(CronSchedules.toQuartz(expression)).isEqualTo(quartz);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ''               | cron: empty expression
            0 9 1 * MON      | cron: day-of-month and day-of-week cannot both be restricted; use a Quartz expression
            0 0 * * 8        | cron: day-of-week: value 8 is out of range 0-7 (0 and 7 are Sunday)
            0 0 * * 6-1      | cron: day-of-week: range '6-1' goes backwards
            0 0 * * 1,       | cron: day-of-week: empty list entry in '1,'
            0 0 * * */0      | cron: day-of-week: step 0 in '*/0'
            0 0 * * 1-x      | cron: day-of-week: cannot read '1-x' (use numbers 0-7 or names SUN-SAT)
            @reboot          | cron: unknown macro '@reboot' (use @hourly, @daily, @midnight, @weekly, @monthly, @yearly or @annually)
            * * * *          | cron: expected 5 fields (Unix: minute hour day-of-month month day-of-week) or 6-7 fields (Quartz: second first), got 4 in '* * * *'
            """)
    void explainsWhatIsWrong(String expression, String message) {
        assertThatThrownBy(() -> CronSchedules.toQuartz(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            61 * * * *          | cron: minute: value 61 is out of range 0-59
            0 0 0 * * *         | cron: day-of-month and day-of-week: exactly one of them must be '?' in a Quartz expression (e.g. '0 0 12 ? * WED' or '0 0 12 1 * ?')
            0 x 0 * * ?         | cron: minute: unknown value 'X' (use numbers 0-59, *, lists a,b, ranges a-b and steps /n)
            0 0 0 ? * MON-      | cron: day-of-week: cannot read 'MON-' (use numbers 1-7 or names SUN-SAT, *, lists a,b, ranges a-b and steps /n)
            0 0 0 1-5/ * ?      | cron: day-of-month: step '' in '1-5/' must be a number from 1 to 31
            0 0 0 ? * 9999999999 | cron: day-of-week: cannot read '9999999999' (use numbers 1-7 or names SUN-SAT, *, lists a,b, ranges a-b and steps /n)
            0 0 0 ? * 1-x       | cron: day-of-week: unknown name 'X' (use numbers 1-7 or names SUN-SAT, *, lists a,b, ranges a-b and steps /n)
            0 0 0 1W-3 * ?      | cron: day-of-month: cannot read '1W-3' (use L, L-n, LW or nW, e.g. 15W)
            0 0 0 LW,3 * ?      | cron: day-of-month: cannot combine 'LW,3' with a list (L, W and # must be alone in their field)
            0 0 0 ? * MON#9     | cron: day-of-week: 'MON#9': # must be followed by 1 to 5 (the nth such day of the month)
            0 0 0 ? * 8         | cron: day-of-week: value 8 is out of range 1-7 (1 is Sunday in a Quartz expression)
            0 0 0 ? 13 MON      | cron: month: value 13 is out of range 1-12
            0 */60 * * * ?      | cron: minute: step '60' in '*/60' must be a number from 1 to 59
            0 0 22-2 * * ?      | cron: hour: range '22-2' goes backwards (write it as two ranges)
            0 0 0 ? * FOO       | cron: day-of-week: unknown name 'FOO' (use numbers 1-7 or names SUN-SAT, *, lists a,b, ranges a-b and steps /n)
            0 0 0 1 1 ? 1800    | cron: year: value 1800 is out of range 1970-2099
            0 0 ? 1 1 ?         | cron: hour: '?' is only allowed in day-of-month and day-of-week
            """)
    void refusesWithTheFieldAndNeverAJavaExceptionText(String expression, String message) {
        assertThatThrownBy(() -> CronSchedules.toQuartz(expression))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0 0 0 ? * MON-FRI/2   | 0 0 0 ? * MON,WED,FRI
            0 0 * * MON-FRI/2     | 0 0 0 ? * MON,WED,FRI
            0 0 0 1 JAN-DEC/3 ?   | 0 0 0 1 JAN,APR,JUL,OCT ?
            0 0 1 JAN-DEC/3 *     | 0 0 0 1 JAN,APR,JUL,OCT ?
            0 0 0 ? * MON/2       | 0 0 0 ? * MON,WED,FRI
            0 0 0 ? * SAT-MON/2   | 0 0 0 ? * MON,SAT
            0 0 0 1 NOV-FEB/2 ?   | 0 0 0 1 JAN,NOV ?
            0 0 0 ? * */2         | 0 0 0 ? * SUN,TUE,THU,SAT
            0 0 0 1 1-12/4 ?      | 0 0 0 1 JAN,MAY,SEP ?
            0 0 0 ? * mon-fri/2   | 0 0 0 ? * MON,WED,FRI
            """)
    void aStepAfterANamedRangeIsWrittenOutAsTheDaysItMeans(String expression, String quartz) {
        assertThat(CronSchedules.toQuartz(expression)).isEqualTo(quartz);
    }

    @Test
    void aStepAfterNamedDaysFiresOnlyOnThoseDays() {
        // Quartz alone reads MON-FRI/2 as MON-FRI: it fired on Tuesdays and Thursdays too
        assertThat(CronSchedules.nextFireTimes(
                        schedule("0 0 * * MON-FRI/2", ZoneOffset.UTC), Instant.parse("2026-05-31T12:00:00Z"), 6))
                .extracting(ZonedDateTime::getDayOfWeek)
                .containsExactly(
                        DayOfWeek.MONDAY,
                        DayOfWeek.WEDNESDAY,
                        DayOfWeek.FRIDAY,
                        DayOfWeek.MONDAY,
                        DayOfWeek.WEDNESDAY,
                        DayOfWeek.FRIDAY);
        assertThat(CronSchedules.nextFireTimes(
                        schedule("0 0 1 JAN-DEC/3 *", ZoneOffset.UTC), Instant.parse("2026-06-01T00:00:00Z"), 4))
                .extracting(t -> t.getMonth().getValue())
                .containsExactly(7, 10, 1, 4);
    }

    @Test
    void dailyAtHalfPastTwoInBerlin() {
        List<ZonedDateTime> times =
                CronSchedules.nextFireTimes(schedule("30 2 * * *", BERLIN), Instant.parse("2024-06-01T10:00:00Z"), 3);

        assertThat(times)
                .containsExactly(berlin("2024-06-02T02:30"), berlin("2024-06-03T02:30"), berlin("2024-06-04T02:30"));
        assertThat(times.get(0).toInstant()).isEqualTo(Instant.parse("2024-06-02T00:30:00Z"));
    }

    private static Schedule schedule(String cron, String zone, Schedule.DstGap gap) {
        return new Schedule(cron, CronSchedules.toQuartz(cron), ZoneId.of(zone), false, gap);
    }

    private static List<Instant> next(Schedule schedule, String after, int count) {
        List<Instant> times = CronSchedules.nextFireTimes(schedule, Instant.parse(after), count).stream()
                .map(ZonedDateTime::toInstant)
                .toList();
        // every way of asking gives the same answer
        assertThat(CronSchedules.fireTimesBetween(schedule, Instant.parse(after), Instant.MAX, count))
                .isEqualTo(times);
        assertThat(CronSchedules.nextFireTime(schedule, Instant.parse(after))).contains(times.get(0));
        return times;
    }

    /** Spring forward: 02:00 -> 03:00 in Berlin and New York, 02:00 -> 02:30 on Lord Howe Island. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Europe/Berlin       | 30 2 * * * | 2026-03-28T12:00:00Z | 2026-03-29T01:00:00Z | 2026-03-30T00:30:00Z
            America/New_York    | 30 2 * * * | 2026-03-07T12:00:00Z | 2026-03-08T07:00:00Z | 2026-03-09T06:30:00Z
            Australia/Lord_Howe | 15 2 * * * | 2026-10-03T00:00:00Z | 2026-10-03T15:30:00Z | 2026-10-04T15:15:00Z
            """)
    void aDailyTimeInTheSpringGapRunsAtTheFirstInstantAfterTheJumpByDefault(
            String zone, String cron, String after, String atTheJump, String nextDay) {
        Schedule runAfter = schedule(cron, zone, Schedule.DstGap.RUN_AFTER);

        assertThat(next(runAfter, after, 2)).containsExactly(Instant.parse(atTheJump), Instant.parse(nextDay));
        assertThat(CronSchedules.nextFireTimes(runAfter, Instant.parse(after), 1)
                        .get(0)
                        .toLocalTime())
                .as("the first valid local time after the jump")
                .isEqualTo(
                        zone.equals("Australia/Lord_Howe")
                                ? java.time.LocalTime.of(2, 30)
                                : java.time.LocalTime.of(3, 0));
        assertThat(next(runAfter, atTheJump, 1)).as("not twice").containsExactly(Instant.parse(nextDay));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Europe/Berlin       | 30 2 * * * | 2026-03-28T12:00:00Z | 2026-03-28T01:30:00Z | 2026-03-30T00:30:00Z
            America/New_York    | 30 2 * * * | 2026-03-07T12:00:00Z | 2026-03-07T07:30:00Z | 2026-03-09T06:30:00Z
            Australia/Lord_Howe | 15 2 * * * | 2026-10-03T00:00:00Z | 2026-10-02T15:45:00Z | 2026-10-04T15:15:00Z
            """)
    void withDstGapSkipADailyTimeInTheSpringGapDoesNotRunThatDay(
            String zone, String cron, String after, String dayBefore, String dayAfter) {
        Schedule skip = schedule(cron, zone, Schedule.DstGap.SKIP);

        assertThat(next(skip, after, 1)).containsExactly(Instant.parse(dayAfter));
        assertThat(next(skip, Instant.parse(dayBefore).minusSeconds(1).toString(), 2))
                .containsExactly(Instant.parse(dayBefore), Instant.parse(dayAfter));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Europe/Berlin       | 2026-03-29T00:30:00Z | 2026-03-29T00:00:00Z | 2026-03-29T01:00:00Z | 2026-03-29T02:00:00Z
            America/New_York    | 2026-03-08T06:30:00Z | 2026-03-08T06:00:00Z | 2026-03-08T07:00:00Z | 2026-03-08T08:00:00Z
            """)
    void hourlySchedulesHaveNoRunInTheMissingHourWhateverTheSetting(
            String zone, String after, String before, String jump, String hourAfter) {
        for (Schedule.DstGap gap : Schedule.DstGap.values()) {
            assertThat(next(schedule("0 * * * *", zone, gap), before, 2))
                    .as(gap.name())
                    .containsExactly(Instant.parse(jump), Instant.parse(hourAfter));
            assertThat(next(schedule("*/30 * * * *", zone, gap), after, 2))
                    .as(gap.name())
                    .containsExactly(Instant.parse(jump), Instant.parse(jump).plusSeconds(1800));
        }
    }

    @Test
    void severalTimesInTheGapRunOnceAndATimeAfterItStillRuns() {
        Schedule twice = schedule("0,30 2 * * *", "Europe/Berlin", Schedule.DstGap.RUN_AFTER);
        assertThat(next(twice, "2026-03-29T00:00:00Z", 2))
                .containsExactly(Instant.parse("2026-03-29T01:00:00Z"), Instant.parse("2026-03-30T00:00:00Z"));

        Schedule gapAndAfter = schedule("30 2,3 * * *", "Europe/Berlin", Schedule.DstGap.RUN_AFTER);
        assertThat(next(gapAndAfter, "2026-03-29T00:00:00Z", 3))
                .containsExactly(
                        Instant.parse("2026-03-29T01:00:00Z"), // 02:30 -> 03:00 CEST
                        Instant.parse("2026-03-29T01:30:00Z"), // 03:30 CEST
                        Instant.parse("2026-03-30T00:30:00Z"));
    }

    /**
     * Fall back: the repeated local time fires once, at its second occurrence, wherever in the night the count starts;
     * Quartz alone, counting from inside the first pass, skipped to the next day.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Europe/Berlin       | 30 2 * * * | 2026-10-25T00:30:00Z | 2026-10-25T01:30:00Z | 2026-10-26T01:30:00Z
            Europe/Berlin       | 30 2 * * * | 2026-10-25T00:45:00Z | 2026-10-25T01:30:00Z | 2026-10-26T01:30:00Z
            Europe/Berlin       | 30 2 * * * | 2026-10-24T12:00:00Z | 2026-10-25T01:30:00Z | 2026-10-26T01:30:00Z
            America/New_York    | 30 1 * * * | 2026-11-01T05:30:00Z | 2026-11-01T06:30:00Z | 2026-11-02T06:30:00Z
            America/New_York    | 30 1 * * * | 2026-11-01T05:00:00Z | 2026-11-01T06:30:00Z | 2026-11-02T06:30:00Z
            Australia/Lord_Howe | 45 1 * * * | 2026-04-04T14:45:00Z | 2026-04-04T15:15:00Z | 2026-04-05T15:15:00Z
            Australia/Lord_Howe | 45 1 * * * | 2026-04-04T14:31:00Z | 2026-04-04T15:15:00Z | 2026-04-05T15:15:00Z
            """)
    void fromInsideTheFirstPassOfARepeatedHourTheSecondPassStillFires(
            String zone, String cron, String after, String second, String nextDay) {
        for (Schedule.DstGap gap : Schedule.DstGap.values()) {
            assertThat(next(schedule(cron, zone, gap), after, 2))
                    .as(gap.name())
                    .containsExactly(Instant.parse(second), Instant.parse(nextDay));
        }
        assertThat(next(schedule(cron, zone, Schedule.DstGap.RUN_AFTER), second, 1))
                .as("once")
                .containsExactly(Instant.parse(nextDay));
    }

    @Test
    void theBackfillRangeOfAFallBackNightHoldsTheRepeatedTimeOnce() {
        Schedule daily = schedule("30 2 * * *", "Europe/Berlin", Schedule.DstGap.RUN_AFTER);
        assertThat(CronSchedules.fireTimesBetween(
                        daily, Instant.parse("2026-10-24T00:00:00Z"), Instant.parse("2026-10-27T00:00:00Z"), 100))
                .containsExactly(
                        Instant.parse("2026-10-24T00:30:00Z"),
                        Instant.parse("2026-10-25T01:30:00Z"),
                        Instant.parse("2026-10-26T01:30:00Z"));
        Schedule hourly = schedule("0 * * * *", "Europe/Berlin", Schedule.DstGap.RUN_AFTER);
        assertThat(CronSchedules.fireTimesBetween(
                        hourly, Instant.parse("2026-10-24T23:30:00Z"), Instant.parse("2026-10-25T02:00:00Z"), 100))
                .containsExactly(
                        Instant.parse("2026-10-25T01:00:00Z"), // 02:00 CET, the second 02:00
                        Instant.parse("2026-10-25T02:00:00Z"));
    }

    @Test
    void fireTimesBetweenExcludeTheStartIncludeTheEndAndStopAtTheLimit() {
        Schedule every10 = schedule("*/10 * * * *", ZoneOffset.UTC);
        Instant start = Instant.parse("2024-06-01T10:00:00Z");

        assertThat(CronSchedules.fireTimesBetween(every10, start, start.plusSeconds(3600), 100))
                .containsExactly(
                        Instant.parse("2024-06-01T10:10:00Z"), Instant.parse("2024-06-01T10:20:00Z"),
                        Instant.parse("2024-06-01T10:30:00Z"), Instant.parse("2024-06-01T10:40:00Z"),
                        Instant.parse("2024-06-01T10:50:00Z"), Instant.parse("2024-06-01T11:00:00Z"));
        assertThat(CronSchedules.fireTimesBetween(every10, start, start.plusSeconds(3600), 2))
                .containsExactly(Instant.parse("2024-06-01T10:10:00Z"), Instant.parse("2024-06-01T10:20:00Z"));
        assertThat(CronSchedules.fireTimesBetween(every10, start, start.plusSeconds(599), 100))
                .isEmpty();
    }

    @Test
    void weekdaysMeanMondayToFriday() {
        List<ZonedDateTime> times = CronSchedules.nextFireTimes(
                schedule("0 9 * * 1-5", ZoneOffset.UTC), Instant.parse("2024-06-01T00:00:00Z"), 7);

        assertThat(times)
                .extracting(ZonedDateTime::getDayOfWeek)
                .containsExactly(
                        DayOfWeek.MONDAY,
                        DayOfWeek.TUESDAY,
                        DayOfWeek.WEDNESDAY,
                        DayOfWeek.THURSDAY,
                        DayOfWeek.FRIDAY,
                        DayOfWeek.MONDAY,
                        DayOfWeek.TUESDAY);
        assertThat(times).allSatisfy(t -> assertThat(t.toLocalTime()).isEqualTo(java.time.LocalTime.of(9, 0)));
    }

    @Test
    void sundayIsZeroAndSevenInUnixCron() {
        Instant after = Instant.parse("2024-06-01T00:00:00Z");

        assertThat(CronSchedules.nextFireTimes(schedule("0 0 * * 0", ZoneOffset.UTC), after, 1)
                        .get(0)
                        .getDayOfWeek())
                .isEqualTo(DayOfWeek.SUNDAY);
        assertThat(CronSchedules.nextFireTimes(schedule("0 0 * * 7", ZoneOffset.UTC), after, 1)
                        .get(0)
                        .getDayOfWeek())
                .isEqualTo(DayOfWeek.SUNDAY);
    }

    @Test
    void everyFiveMinutes() {
        List<ZonedDateTime> times = CronSchedules.nextFireTimes(
                schedule("*/5 * * * *", ZoneOffset.UTC), Instant.parse("2024-06-01T10:02:30Z"), 3);

        assertThat(times)
                .extracting(ZonedDateTime::toInstant)
                .containsExactly(
                        Instant.parse("2024-06-01T10:05:00Z"),
                        Instant.parse("2024-06-01T10:10:00Z"),
                        Instant.parse("2024-06-01T10:15:00Z"));
    }

    @Test
    void fireTimesAreStrictlyAfterTheGivenInstant() {
        List<ZonedDateTime> times = CronSchedules.nextFireTimes(
                schedule("*/5 * * * *", ZoneOffset.UTC), Instant.parse("2024-06-01T10:05:00Z"), 1);

        assertThat(times.get(0).toInstant()).isEqualTo(Instant.parse("2024-06-01T10:10:00Z"));
    }

    @Test
    void aScheduleThatEndsGivesFewerTimes() {
        Schedule once =
                new Schedule("0 0 0 1 1 ? 2030", CronSchedules.toQuartz("0 0 0 1 1 ? 2030"), ZoneOffset.UTC, false);

        assertThat(CronSchedules.nextFireTimes(once, Instant.parse("2024-01-01T00:00:00Z"), 5))
                .containsExactly(ZonedDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    }
}
