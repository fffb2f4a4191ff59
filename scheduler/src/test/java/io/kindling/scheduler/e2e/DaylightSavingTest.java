package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's schedules across the daylight saving changes of Europe/Berlin, America/New_York and
 * Australia/Lord_Howe (a 30-minute change), with a clock the test walks through each night in 15-minute steps,
 * ticking the scheduler at each step as Quartz (and its wake-ups) would. The daemon starts at the walk's first
 * instant: its cursors start there.
 */
class DaylightSavingTest {
    private KindlingApp app;
    private MutableClock clock;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private Http walk(String from, String until) throws Exception {
        clock = new MutableClock(Instant.parse(from));
        app = KindlingApp.create(clock, false, "pipelines/dst").start();
        while (clock.instant().isBefore(Instant.parse(until))) {
            clock.advance(Duration.ofMinutes(15));
            app.application().ticker().tickAll();
        }
        return new Http(app);
    }

    @Test
    void springForwardRunsTheDailyRunAtTheJumpByDefaultSkipsItWithSkipAndKeepsHourlyRunsAnHourApart() throws Exception {
        // 2026-03-29: at 02:00 CET clocks jump to 03:00 CEST; 02:30 does not exist that night
        Http api = walk("2026-03-28T22:50:00Z", "2026-03-29T04:00:00Z");

        assertThat(api.logicalTimes("berlin_daily")).containsExactly("2026-03-29T01:00:00Z"); // 03:00 CEST
        assertThat(api.logicalTimes("berlin_daily_skip")).isEmpty();
        assertThat(api.logicalTimes("berlin_hourly"))
                .containsExactly(
                        "2026-03-28T23:00:00Z", // 00:00 CET
                        "2026-03-29T00:00:00Z", // 01:00 CET
                        "2026-03-29T01:00:00Z", // 03:00 CEST: the hour 02:00-03:00 does not exist
                        "2026-03-29T02:00:00Z",
                        "2026-03-29T03:00:00Z",
                        "2026-03-29T04:00:00Z");

        // the next night 02:30 exists again, for both
        clock.set(Instant.parse("2026-03-30T01:00:00Z"));
        app.application().ticker().tickAll();
        assertThat(api.logicalTimes("berlin_daily"))
                .containsExactlyInAnyOrder("2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"); // 02:30 CEST
        assertThat(api.logicalTimes("berlin_daily_skip")).containsExactly("2026-03-30T00:30:00Z");
    }

    @Test
    void springForwardInNewYorkRunsAtThreeInTheMorning() throws Exception {
        // 2026-03-08: at 02:00 EST clocks jump to 03:00 EDT
        Http api = walk("2026-03-08T05:50:00Z", "2026-03-08T08:00:00Z");

        assertThat(api.logicalTimes("new_york_0230")).containsExactly("2026-03-08T07:00:00Z"); // 03:00 EDT
    }

    @Test
    void springForwardOnLordHoweRunsAtHalfPastTwo() throws Exception {
        // 2026-10-04: at 02:00 (+10:30) clocks jump to 02:30 (+11:00); 02:15 does not exist
        Http api = walk("2026-10-03T14:50:00Z", "2026-10-03T16:30:00Z");

        assertThat(api.logicalTimes("lord_howe_0215")).containsExactly("2026-10-03T15:30:00Z"); // 02:30 +11:00
    }

    @Test
    void fallBackRunsTheDailyRunOnceAtTheSecondHalfPastTwoAndTheRepeatedHourOnce() throws Exception {
        // 2026-10-25: at 03:00 CEST clocks go back to 02:00 CET; 02:00-03:00 happens twice
        Http api = walk("2026-10-24T22:50:00Z", "2026-10-25T04:00:00Z");

        assertThat(api.logicalTimes("berlin_daily")).containsExactly("2026-10-25T01:30:00Z"); // 02:30 CET
        assertThat(api.logicalTimes("berlin_daily_skip")).containsExactly("2026-10-25T01:30:00Z");
        assertThat(api.logicalTimes("berlin_hourly"))
                .containsExactly(
                        "2026-10-24T23:00:00Z", // 01:00 CEST
                        "2026-10-25T01:00:00Z", // 02:00 CET: the first 02:00 (CEST) is passed over, like 02:30
                        "2026-10-25T02:00:00Z", // 03:00 CET
                        "2026-10-25T03:00:00Z",
                        "2026-10-25T04:00:00Z");
    }

    @Test
    void aDaemonStartedInsideTheFirstPassOfTheRepeatedHourStillRunsTheSecondPass() throws Exception {
        // 00:35Z is 02:35 CEST, after the first 02:30; the run is due at the second, 02:30 CET (01:30Z)
        Http api = walk("2026-10-25T00:35:00Z", "2026-10-25T02:00:00Z");

        assertThat(api.logicalTimes("berlin_daily")).containsExactly("2026-10-25T01:30:00Z");
    }

    @Test
    void fallBackInNewYorkFromInsideTheFirstPass() throws Exception {
        // 2026-11-01: at 02:00 EDT clocks go back to 01:00 EST; 05:40Z is 01:40 EDT, after the first 01:30
        Http api = walk("2026-11-01T05:40:00Z", "2026-11-01T07:00:00Z");

        assertThat(api.logicalTimes("new_york_0130")).containsExactly("2026-11-01T06:30:00Z"); // 01:30 EST
    }

    @Test
    void fallBackOnLordHoweFromInsideTheFirstPass() throws Exception {
        // 2026-04-05: at 02:00 (+11:00) clocks go back to 01:30 (+10:30); 14:50Z is 01:50 +11:00, after the first 01:45
        Http api = walk("2026-04-04T14:50:00Z", "2026-04-04T16:00:00Z");

        assertThat(api.logicalTimes("lord_howe_0145")).containsExactly("2026-04-04T15:15:00Z"); // 01:45 +10:30
    }

    private static List<String> texts(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    private List<String> backfillTimes(Http api, String pipeline, String from, String to) {
        return texts(
                api.post("/pipelines/" + pipeline + "/backfill", Map.of("from", from, "to", to, "dry_run", true), 200)
                        .get("logical_times"));
    }

    @Test
    void theApisNextFireTimeAndBackfillPlansFollowTheSameRules() throws Exception {
        Http api = walk("2026-03-28T12:00:00Z", "2026-03-28T12:00:00Z");

        JsonNode daily = api.get("/pipelines/berlin_daily");
        assertThat(daily.get("schedule").get("dst_gap").asText()).isEqualTo("run_after");
        assertThat(daily.get("next_fire_time").asText()).isEqualTo("2026-03-29T01:00:00Z"); // 03:00 CEST
        assertThat(api.get("/pipelines/berlin_daily_skip").get("next_fire_time").asText())
                .isEqualTo("2026-03-30T00:30:00Z");
        assertThat(api.get("/pipelines/lord_howe_0215").get("next_fire_time").asText())
                .isEqualTo("2026-03-28T15:15:00Z");

        // backfills plan only times already past
        clock.set(Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(backfillTimes(api, "berlin_daily", "2026-03-28", "2026-03-30"))
                .containsExactly("2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z");
        assertThat(backfillTimes(api, "berlin_daily_skip", "2026-03-28", "2026-03-30"))
                .containsExactly("2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z");
        assertThat(backfillTimes(api, "new_york_0230", "2026-03-08", "2026-03-08"))
                .containsExactly("2026-03-08T07:00:00Z");
        // a repeated time is one logical time, the second occurrence
        assertThat(backfillTimes(api, "berlin_daily", "2026-10-25", "2026-10-25"))
                .containsExactly("2026-10-25T01:30:00Z");
        assertThat(backfillTimes(api, "new_york_0130", "2026-11-01", "2026-11-01"))
                .containsExactly("2026-11-01T06:30:00Z");
        assertThat(backfillTimes(api, "lord_howe_0145", "2026-04-05", "2026-04-05"))
                .containsExactly("2026-04-04T15:15:00Z");
        assertThat(backfillTimes(api, "lord_howe_0215", "2026-10-04", "2026-10-04"))
                .containsExactly("2026-10-03T15:30:00Z");
    }
}
