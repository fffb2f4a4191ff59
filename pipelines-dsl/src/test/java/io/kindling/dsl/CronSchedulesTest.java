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

    @Test
    void reportsQuartzsOwnMessageForInvalidFields() {
        assertThatThrownBy(() -> CronSchedules.toQuartz("61 * * * *"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cron: invalid expression '61 * * * *' (as Quartz: '0 61 * * * ?'): ");
        assertThatThrownBy(() -> CronSchedules.toQuartz("0 0 0 * * *"))
                .hasMessage("cron: invalid expression '0 0 0 * * *': Support for specifying both a day-of-week "
                        + "AND a day-of-month parameter is not implemented.");
    }

    @Test
    void dailyAtHalfPastTwoInBerlin() {
        List<ZonedDateTime> times =
                CronSchedules.nextFireTimes(schedule("30 2 * * *", BERLIN), Instant.parse("2024-06-01T10:00:00Z"), 3);

        assertThat(times)
                .containsExactly(berlin("2024-06-02T02:30"), berlin("2024-06-03T02:30"), berlin("2024-06-04T02:30"));
        assertThat(times.get(0).toInstant()).isEqualTo(Instant.parse("2024-06-02T00:30:00Z"));
    }

    @Test
    void aTimeThatDoesNotExistOnTheSpringChangeIsSkipped() {
        List<ZonedDateTime> times =
                CronSchedules.nextFireTimes(schedule("30 2 * * *", BERLIN), Instant.parse("2024-03-29T12:00:00Z"), 3);

        assertThat(times)
                .containsExactly(berlin("2024-03-30T02:30"), berlin("2024-04-01T02:30"), berlin("2024-04-02T02:30"));
    }

    @Test
    void aTimeThatHappensTwiceOnTheAutumnChangeFiresOnce() {
        List<ZonedDateTime> times =
                CronSchedules.nextFireTimes(schedule("30 2 * * *", BERLIN), Instant.parse("2024-10-26T12:00:00Z"), 2);

        assertThat(times)
                .extracting(ZonedDateTime::toInstant)
                .containsExactly(Instant.parse("2024-10-27T01:30:00Z"), Instant.parse("2024-10-28T01:30:00Z"));
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
