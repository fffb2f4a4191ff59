package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.MutableClock;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Catch-up and pause through real restarts of the daemon on one SQLite file, with a clock the test moves: an
 * hour of downtime takes no time at all.
 */
class ScheduleTest {
    private static final Instant START = Instant.parse("2026-06-01T10:00:05Z");

    private final MutableClock clock = new MutableClock(START);
    private KindlingApp running;

    private Http start(KindlingApp app) throws Exception {
        running = app.start();
        return new Http(app);
    }

    private KindlingApp restart() throws Exception {
        KindlingApp next = running.again();
        running.stop();
        running = next.start();
        return running;
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop();
        }
    }

    @Test
    void anHourOfDowntimeOnAnEveryTenMinutesCronMakesSixRunsWithCatchupAndOneWithout() throws Exception {
        Http api = start(KindlingApp.create(clock, false, "pipelines/catchup"));
        assertThat(api.runs("every10_all")).isEmpty();

        running.stop();
        clock.advance(Duration.ofHours(1)); // the daemon is down from 10:00:05 to 11:00:05
        running = running.again().start();
        api = new Http(running);

        assertThat(api.logicalTimes("every10_all"))
                .containsExactly(
                        "2026-06-01T10:10:00Z",
                        "2026-06-01T10:20:00Z",
                        "2026-06-01T10:30:00Z",
                        "2026-06-01T10:40:00Z",
                        "2026-06-01T10:50:00Z",
                        "2026-06-01T11:00:00Z");
        assertThat(api.logicalTimes("every10_latest")).containsExactly("2026-06-01T11:00:00Z");
        assertThat(api.runs("every10_all"))
                .allSatisfy(r -> assertThat(r.get("trigger").asText()).isEqualTo("schedule"));

        // a second restart at the same time finds nothing new to run
        api = new Http(restart());
        assertThat(api.runs("every10_all")).hasSize(6);
        assertThat(api.runs("every10_latest")).hasSize(1);
    }

    @Test
    void aPausedPipelineFiresNothingEvenAcrossARestartAndResumeCatchesUp() throws Exception {
        Http api = start(KindlingApp.create(clock, false, "pipelines/catchup"));
        JsonNode paused = api.post("/pipelines/every10_all/pause");
        assertThat(paused.get("paused").asBoolean()).isTrue();
        assertThat(paused.has("next_fire_time")).isFalse();
        api.post("/pipelines/every10_latest/pause");
        assertThat(api.post("/pipelines/every10_latest/pause").get("paused").asBoolean())
                .isTrue(); // idempotent

        clock.advance(Duration.ofMinutes(15));
        running.application().ticker().tickAll();
        api = new Http(restart());
        clock.advance(Duration.ofMinutes(16));
        running.application().ticker().tickAll();

        for (JsonNode p : api.get("/pipelines").get("pipelines")) {
            assertThat(p.get("paused").asBoolean()).as(p.get("id").asText()).isTrue();
        }
        assertThat(api.runs("every10_all")).isEmpty();
        assertThat(api.runs("every10_latest")).isEmpty();

        // a backfill while paused covers two of the missed times; catch-up on resume leaves those alone
        api.post(
                "/pipelines/every10_all/backfill",
                Map.of("from", "2026-06-01T10:05:00Z", "to", "2026-06-01T10:25:00Z"),
                201);
        JsonNode resumed = api.post("/pipelines/every10_all/resume");
        assertThat(resumed.get("paused").asBoolean()).isFalse();
        assertThat(resumed.get("next_fire_time").asText()).isEqualTo("2026-06-01T10:40:00Z");
        assertThat(api.runs("every10_all"))
                .extracting(r ->
                        r.get("logical_time").asText() + " " + r.get("trigger").asText())
                .containsExactly(
                        "2026-06-01T10:10:00Z backfill",
                        "2026-06-01T10:20:00Z backfill",
                        "2026-06-01T10:30:00Z schedule");
        api.post("/pipelines/every10_latest/resume");
        assertThat(api.logicalTimes("every10_latest")).containsExactly("2026-06-01T10:30:00Z");
    }

    @Test
    void pausingAnUnknownPipelineIsAJson404() throws Exception {
        Http api = start(KindlingApp.create(clock, false, "pipelines/catchup"));
        Response response = api.post("/pipelines/nope/pause", Map.of());
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.readEntity(JsonNode.class).get("message").asText()).contains("nope");
    }
}
