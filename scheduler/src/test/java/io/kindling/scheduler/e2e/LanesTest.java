package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.MutableClock;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lanes through HTTP: max_active_runs holds a pipeline's runs back in order, and a backfill runs in a lane of
 * its own so the pipeline's schedule is never held back by it. The clock starts at a chosen time and then runs
 * at real speed, so recorded durations are real.
 */
class LanesTest {
    private static final MutableClock CLOCK = MutableClock.flowing(Instant.parse("2026-11-01T05:59:30Z"));
    private static KindlingApp app;
    private static Http api;

    @BeforeAll
    static void start() throws Exception {
        app = KindlingApp.create(CLOCK, false, "pipelines/lanes").start();
        api = new Http(app);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    private static final List<String> DONE = List.of("SUCCEEDED", "FAILED", "CANCELLED");

    @Test
    void maxActiveRunsOneRunsThreeQuickTriggersOneAfterAnotherInOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.post("/pipelines/serial/runs", Map.of(), 201)
                    .get("run_id")
                    .asText());
        }
        AtomicInteger mostRunning = new AtomicInteger();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    List<JsonNode> runs = api.runs("serial");
                    mostRunning.accumulateAndGet(
                            (int) runs.stream()
                                    .filter(r -> r.get("state").asText().equals("RUNNING"))
                                    .count(),
                            Math::max);
                    return runs.stream()
                            .allMatch(r -> DONE.contains(r.get("state").asText()));
                });
        assertThat(mostRunning.get()).isEqualTo(1);
        List<JsonNode> runs = ids.stream().map(id -> api.get("/runs/" + id)).toList();
        assertThat(runs).allSatisfy(r -> assertThat(r.get("state").asText()).isEqualTo("SUCCEEDED"));
        for (int i = 1; i < runs.size(); i++) {
            Instant previousEnd = Instant.parse(runs.get(i - 1).get("ended_at").asText());
            assertThat(Instant.parse(runs.get(i).get("started_at").asText()))
                    .as("run %d starts after run %d ended", i + 1, i)
                    .isAfterOrEqualTo(previousEnd);
        }
    }

    @Test
    void aThirtyDayBackfillRunsInItsOwnLaneWhileTheScheduledRunStartsOnTime() {
        // a dry run lists the logical times and creates nothing
        JsonNode plan = api.post(
                "/pipelines/daily_report/backfill",
                Map.of("from", "2026-10-01", "to", "2026-10-30", "dry_run", true),
                200);
        assertThat(plan.get("dry_run").asBoolean()).isTrue();
        assertThat(plan.get("logical_times")).hasSize(30);
        assertThat(plan.get("logical_times").get(0).asText()).isEqualTo("2026-10-01T06:00:00Z");
        assertThat(plan.get("logical_times").get(29).asText()).isEqualTo("2026-10-30T06:00:00Z");
        assertThat(api.runs("daily_report")).isEmpty();

        Response created = api.post(
                "/pipelines/daily_report/backfill",
                Map.of("from", "2026-10-01", "to", "2026-10-30", "max_active_runs", 2));
        assertThat(created.getStatus()).isEqualTo(201);
        JsonNode backfill = created.readEntity(JsonNode.class);
        String backfillId = backfill.get("backfill_id").asText();
        assertThat(created.getLocation().getPath()).isEqualTo("/api/v1/backfills/" + backfillId);
        assertThat(backfill.get("runs").asInt()).isEqualTo(30);

        // 06:00 comes while the backfill has barely begun: the scheduled run starts at once all the same
        CLOCK.set(Instant.parse("2026-11-01T06:00:00.200Z"));
        app.application().ticker().tickAll();
        AtomicInteger mostRunning = new AtomicInteger();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    mostRunning.accumulateAndGet(
                            api.get("/backfills/" + backfillId)
                                    .get("states")
                                    .path("RUNNING")
                                    .asInt(),
                            Math::max);
                    return scheduledRun()
                            .filter(r -> r.get("state").asText().equals("SUCCEEDED"))
                            .isPresent();
                });
        JsonNode scheduled = scheduledRun().orElseThrow();
        Duration late = Duration.between(
                Instant.parse(scheduled.get("logical_time").asText()),
                Instant.parse(scheduled.get("started_at").asText()));
        assertThat(late).as("scheduled run started %s after its time", late).isLessThan(Duration.ofSeconds(5));
        assertThat(api.get("/backfills/" + backfillId).get("done").asBoolean())
                .as("the backfill was still going when the scheduled run had finished")
                .isFalse();

        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    JsonNode progress = api.get("/backfills/" + backfillId);
                    mostRunning.accumulateAndGet(
                            progress.get("states").path("RUNNING").asInt(), Math::max);
                    return progress.get("done").asBoolean();
                });
        assertThat(mostRunning.get()).as("backfill runs at once").isBetween(1, 2);
        JsonNode progress = api.get("/backfills/" + backfillId);
        assertThat(progress.get("states").get("SUCCEEDED").asInt()).isEqualTo(30);

        List<JsonNode> runs = api.runs("daily_report").stream()
                .filter(r -> r.get("trigger").asText().equals("backfill"))
                .toList();
        assertThat(runs).hasSize(30);
        assertThat(runs)
                .allSatisfy(r -> assertThat(r.get("backfill_id").asText()).isEqualTo(backfillId));
        assertThat(runs.stream().map(r -> r.get("logical_time").asText()).toList())
                .isSortedAccordingTo(Comparator.naturalOrder())
                .startsWith("2026-10-01T06:00:00Z")
                .endsWith("2026-10-30T06:00:00Z");
        // each attempt keeps the SQL it ran, with its own day filled in
        JsonNode first = api.get("/runs/" + runs.get(0).get("run_id").asText());
        assertThat(first.get("tasks")
                        .get(0)
                        .get("attempts")
                        .get(0)
                        .get("rendered")
                        .asText())
                .isEqualTo("SELECT '2026-10-01' AS day, count(*) AS n FROM range(100000)");

        // times that already have a good run are not run again
        JsonNode overlap = api.post(
                "/pipelines/daily_report/backfill",
                Map.of("from", "2026-10-29", "to", LocalDate.of(2026, 11, 1).toString(), "dry_run", true),
                200);
        assertThat(overlap.get("logical_times")).extracting(JsonNode::asText).containsExactly("2026-10-31T06:00:00Z");
        assertThat(overlap.get("skipped"))
                .extracting(s -> s.get("trigger").asText())
                .containsExactly("backfill", "backfill", "schedule");
    }

    private static java.util.Optional<JsonNode> scheduledRun() {
        return api.runs("daily_report").stream()
                .filter(r -> r.get("trigger").asText().equals("schedule"))
                .findFirst();
    }

    @Test
    void badBackfillRequestsAreJson400s() {
        assertError(
                api.post("/pipelines/daily_report/backfill", Map.of("from", "2026-10-05", "to", "2026-10-01")),
                400,
                "is after to");
        assertError(
                api.post("/pipelines/daily_report/backfill", Map.of("from", "yesterday", "to", "2026-10-01")),
                400,
                "from: expected a date (2026-10-01) or an instant");
        assertError(
                api.post("/pipelines/daily_report/backfill", Map.of("to", "2026-10-01")),
                400,
                "from and to are required");
        assertError(
                api.post(
                        "/pipelines/daily_report/backfill",
                        Map.of("from", "2026-10-01", "to", "2026-10-02", "max_active_runs", 0)),
                400,
                "at least 1");
        assertError(
                api.post("/pipelines/unscheduled/backfill", Map.of("from", "2026-10-01", "to", "2026-10-02")),
                400,
                "has no schedule");
        assertError(
                api.post("/pipelines/nope/backfill", Map.of("from", "2026-10-01", "to", "2026-10-02")),
                404,
                "pipeline 'nope' not found");
        assertError(
                app.extension
                        .client()
                        .target(app.api("/backfills/nope"))
                        .request()
                        .get(),
                404,
                "backfill 'nope' not found");
    }

    private static void assertError(Response response, int status, String messagePart) {
        assertThat(response.getStatus()).isEqualTo(status);
        JsonNode body = response.readEntity(JsonNode.class);
        assertThat(body.get("code").asInt()).isEqualTo(status);
        assertThat(body.get("message").asText()).contains(messagePart);
    }
}
