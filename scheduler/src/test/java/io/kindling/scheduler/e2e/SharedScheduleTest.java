package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two pipelines on the same cron share one Quartz trigger: each fire makes a run of both, and pausing one leaves
 * the other firing. Real clock, a cron of every second.
 */
class SharedScheduleTest {
    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private static List<Instant> scheduledAfter(Http api, String pipeline, Instant after) {
        return api.runs(pipeline).stream()
                .filter(r -> r.get("trigger").asText().equals("schedule"))
                .map(r -> Instant.parse(r.get("logical_time").asText()))
                .filter(t -> t.isAfter(after))
                .toList();
    }

    @Test
    void bothPipelinesOfAScheduleRunAtEachFireAndPausingOneLeavesTheOtherFiring() throws Exception {
        app = KindlingApp.create(false, "pipelines/shared").start();
        Http api = new Http(app);
        Instant started = Instant.now();

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> scheduledAfter(api, "first", started).size() >= 2
                        && scheduledAfter(api, "second", started).size() >= 2);
        // the fires both had: each made a run of each (a time can only be missing at the edges of the window)
        List<Instant> first = scheduledAfter(api, "first", started);
        assertThat(scheduledAfter(api, "second", started)).containsAnyElementsOf(first);

        api.post("/pipelines/first/pause");
        // a fire under way when the pause lands may still run "first"; Quartz may wake a second early
        Instant settled = Instant.now().plusSeconds(2);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> scheduledAfter(api, "second", settled).size() >= 3);
        assertThat(scheduledAfter(api, "first", settled)).isEmpty();
    }
}
