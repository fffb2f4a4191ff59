package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's schedules across both daylight saving changes of Europe/Berlin, with a clock the test walks
 * through each night in 15-minute steps, ticking the scheduler at each step as Quartz would.
 */
class DaylightSavingTest {
    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private Http walk(MutableClock clock, Instant until) throws Exception {
        app = KindlingApp.create(clock, false, "pipelines/dst").start();
        while (clock.instant().isBefore(until)) {
            clock.advance(Duration.ofMinutes(15));
            app.application().ticker().tickAll();
        }
        return new Http(app);
    }

    @Test
    void springForwardSkipsTheDailyRunWhoseTimeDoesNotExistAndKeepsHourlyRunsAnHourApart() throws Exception {
        // 2026-03-29: at 02:00 CET clocks jump to 03:00 CEST; 02:30 does not exist that night
        MutableClock clock = new MutableClock(Instant.parse("2026-03-28T22:50:00Z"));
        Http api = walk(clock, Instant.parse("2026-03-29T04:00:00Z"));

        assertThat(api.logicalTimes("berlin_daily")).isEmpty();
        assertThat(api.logicalTimes("berlin_hourly"))
                .containsExactly(
                        "2026-03-28T23:00:00Z", // 00:00 CET
                        "2026-03-29T00:00:00Z", // 01:00 CET
                        "2026-03-29T01:00:00Z", // 03:00 CEST: the hour 02:00-03:00 does not exist
                        "2026-03-29T02:00:00Z",
                        "2026-03-29T03:00:00Z",
                        "2026-03-29T04:00:00Z");

        // the next night 02:30 exists again
        clock.set(Instant.parse("2026-03-30T01:00:00Z"));
        app.application().ticker().tickAll();
        assertThat(api.logicalTimes("berlin_daily")).containsExactly("2026-03-30T00:30:00Z"); // 02:30 CEST
    }

    @Test
    void fallBackRunsTheDailyRunOnceAtTheSecondHalfPastTwoAndTheRepeatedHourOnce() throws Exception {
        // 2026-10-25: at 03:00 CEST clocks go back to 02:00 CET; 02:00-03:00 happens twice
        MutableClock clock = new MutableClock(Instant.parse("2026-10-24T22:50:00Z"));
        Http api = walk(clock, Instant.parse("2026-10-25T04:00:00Z"));

        assertThat(api.logicalTimes("berlin_daily")).containsExactly("2026-10-25T01:30:00Z"); // 02:30 CET
        assertThat(api.logicalTimes("berlin_hourly"))
                .containsExactly(
                        "2026-10-24T23:00:00Z", // 01:00 CEST
                        "2026-10-25T01:00:00Z", // 02:00 CET: the first 02:00 (CEST) is passed over, like 02:30
                        "2026-10-25T02:00:00Z", // 03:00 CET
                        "2026-10-25T03:00:00Z",
                        "2026-10-25T04:00:00Z");
    }
}
