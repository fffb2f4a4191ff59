package io.kindling.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code deadline:} and {@code alerts: {duration_anomaly: ...}}. */
class PipelineParserDeadlineTest {
    private static final PipelineParser PARSER = new PipelineParser(ParserOptions.lenient());
    private static final Path FILE = Path.of("report.yml");

    private ParseResult parse(String yaml) {
        return PARSER.parse(FILE, yaml);
    }

    private static List<String> messages(ParseResult result) {
        return result.problems().stream()
                .map(p -> p.line() + ":" + p.column() + ": " + p.message())
                .toList();
    }

    @Test
    void readsDoneByInAZoneAndStartWithin() {
        ParseResult result = parse("""
                pipeline: report
                schedule: {cron: "30 2 * * *", timezone: UTC}
                deadline: {done_by: "07:00", zone: Europe/Berlin, start_within: 10m}
                alerts: {on_failure: [ops], duration_anomaly: {k: 2.5, min_runs: 20}}
                tasks: [{id: a, sql: SELECT 1}]
                """);

        assertThat(result.problems()).isEmpty();
        Pipeline p = result.pipeline().orElseThrow();
        Deadline d = p.deadline().orElseThrow();
        assertThat(d.doneBy()).contains(LocalTime.of(7, 0));
        assertThat(d.zone()).contains(ZoneId.of("Europe/Berlin"));
        assertThat(d.startWithin()).contains(Duration.ofMinutes(10));
        assertThat(p.alerts().durationAnomaly()).contains(new DurationAnomaly(2.5, 20));
        // 02:30 UTC on 4 December is 03:30 in Berlin: due 07:00 Berlin that day (06:00 UTC)
        Instant scheduled = Instant.parse("2026-12-04T02:30:00Z");
        assertThat(d.doneDeadline(scheduled, ZoneId.of("UTC"))).contains(Instant.parse("2026-12-04T06:00:00Z"));
        assertThat(d.startDeadline(scheduled)).contains(Instant.parse("2026-12-04T02:40:00Z"));
        // a time after done_by on its date is due the next morning
        assertThat(d.doneDeadline(Instant.parse("2026-12-04T22:00:00Z"), ZoneId.of("UTC")))
                .contains(Instant.parse("2026-12-05T06:00:00Z"));
    }

    @Test
    void afterScheduleIsADurationAndAnomalyHasDefaults() {
        Pipeline p = parse("""
                        pipeline: report
                        schedule: {cron: "@hourly"}
                        deadline: {after_schedule: 2h}
                        alerts: {duration_anomaly: {}}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow();
        assertThat(p.deadline().orElseThrow().doneDeadline(Instant.parse("2026-12-04T10:00:00Z"), ZoneId.of("UTC")))
                .contains(Instant.parse("2026-12-04T12:00:00Z"));
        assertThat(p.deadline().orElseThrow().startDeadline(Instant.EPOCH)).isEmpty();
        assertThat(p.alerts().durationAnomaly()).contains(new DurationAnomaly(3, 10));
    }

    @Test
    void badDeadlinesAndAnomaliesAreProblemsAtTheirPlace() {
        assertThat(messages(parse("""
                        pipeline: report
                        schedule: {cron: "@daily"}
                        deadline:
                          done_by: "25:00"
                          after_schedule: 2h
                          zone: Mars/Base
                          late: 1m
                        alerts:
                          duration_anomaly:
                            k: 0.5
                            min_runs: 0
                        tasks: [{id: a, sql: SELECT 1}]
                        """)))
                .containsExactlyInAnyOrder(
                        "7:3: unknown key 'late' in deadline",
                        "4:12: done_by: expected a time of day as HH:MM (e.g. \"07:00\"), got '25:00'",
                        "6:9: timezone: unknown time zone 'Mars/Base' (use an IANA name such as Europe/Berlin,"
                                + " America/New_York or UTC)",
                        "5:3: after_schedule: a deadline is done_by (a time of day) or after_schedule (a duration),"
                                + " not both",
                        "10:8: k: expected a number of at least 1 (how many times the usual p95 is too slow), got"
                                + " '0.5'",
                        "11:15: min_runs: must be at least 1, got 0");
        assertThat(messages(parse("""
                        pipeline: report
                        deadline: {start_within: 0s}
                        tasks: [{id: a, sql: SELECT 1}]
                        """)))
                .containsExactlyInAnyOrder(
                        "2:26: start_within: must be longer than 0s",
                        "2:1: deadline: only a pipeline with a schedule, or one started after other pipelines"
                                + " (trigger: {after: ...}), has times to be late for: add one, or remove the"
                                + " deadline");
        assertThat(parse("""
                        pipeline: report
                        trigger: {after: [{pipeline: load}]}
                        deadline: {done_by: "07:00", zone: Europe/Berlin}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow().deadline()).isPresent();
        assertThat(messages(parse("""
                        pipeline: report
                        trigger: {events: {}}
                        deadline: {after_schedule: 2h}
                        tasks: [{id: a, sql: SELECT 1}]
                        """)))
                .contains("3:1: deadline: only a pipeline with a schedule, or one started after other pipelines"
                        + " (trigger: {after: ...}), has times to be late for: add one, or remove the deadline");
        assertThat(parse("""
                        pipeline: report
                        schedule: {cron: "@daily"}
                        tasks: [{id: a, sql: SELECT 1}]
                        """).pipeline().orElseThrow().deadline()).isEqualTo(Optional.empty());
    }
}
