package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.RawHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** No caller can fill the queue: manual runs, backfills and a backfill's parallelism are capped per pipeline. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RunQuotaTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/web")
            .withOverrides(
                    ConfigOverride.config("limits.maxQueuedRuns", "5"),
                    ConfigOverride.config("limits.maxActiveBackfills", "2"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    @AfterAll
    static void unblock() throws IOException {
        Files.createDirectories(APP.workDir.resolve("data"));
        Files.writeString(APP.workDir.resolve("data/unblock"), "go");
    }

    @Test
    void theRunPastTheQueuedCapGets429() {
        // blocked runs one run at a time, and that one waits: the rest stay queued
        String first = http.post("/pipelines/blocked/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.get("/runs/" + first).get("state").asText().equals("RUNNING"));
        for (int i = 0; i < 5; i++) {
            http.post("/pipelines/blocked/runs", Map.of(), 201);
        }

        JsonNode refused = http.post("/pipelines/blocked/runs", Map.of(), 429);

        assertThat(refused.get("code").asInt()).isEqualTo(429);
        assertThat(refused.get("message").asText()).contains("limits.maxQueuedRuns");
        assertThat(http.get("/runs?pipeline=blocked&trigger=manual&limit=500")
                        .get("runs")
                        .size())
                .isEqualTo(6);
        // another pipeline's queue is its own
        http.post("/pipelines/note/runs", Map.of(), 201);
    }

    @Test
    void aBackfillMayNotAskForMoreParallelismThanTheCap() {
        JsonNode huge = http.post(
                "/pipelines/daily/backfill",
                Map.of("from", "2026-01-01", "to", "2026-01-03", "max_active_runs", 1_000_000),
                400);
        assertThat(huge.get("message").asText()).contains("at most 32");
        http.post(
                "/pipelines/daily/backfill",
                Map.of("from", "2026-01-01", "to", "2026-01-03", "max_active_runs", 33),
                400);
        http.post(
                "/pipelines/daily/backfill",
                Map.of("from", "2026-01-01", "to", "2026-01-03", "max_active_runs", 32, "dry_run", true),
                200);
    }

    @Test
    void theBackfillPastTheActiveBackfillCapGets429() {
        http.post("/pipelines/blocked/backfill", Map.of("from", "2026-02-01", "to", "2026-02-02"), 201);
        http.post("/pipelines/blocked/backfill", Map.of("from", "2026-02-03", "to", "2026-02-04"), 201);

        JsonNode refused =
                http.post("/pipelines/blocked/backfill", Map.of("from", "2026-02-05", "to", "2026-02-06"), 429);

        assertThat(refused.get("message").asText()).contains("limits.maxActiveBackfills");
        // a plan is still shown
        http.post(
                "/pipelines/blocked/backfill", Map.of("from", "2026-02-05", "to", "2026-02-06", "dry_run", true), 200);
    }

    @Test
    void aBackfillSentAgainWithItsIdempotencyKeyAnswersTheFirstAndMakesNoRunTwice() {
        String url = APP.api("/pipelines/daily/backfill");
        String body = "{\"from\": \"2026-03-01\", \"to\": \"2026-03-03\"}";
        String[] headers = {"Idempotency-Key", "march-reload-1", "Authorization", "Bearer " + KindlingApp.ADMIN_TOKEN};

        HttpResponse<String> first = RawHttp.post(url, body, headers);
        HttpResponse<String> again = RawHttp.post(url, body, headers);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        String backfill = RawHttp.json(first).get("backfill_id").asText();
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(RawHttp.json(again).get("backfill_id").asText()).isEqualTo(backfill);
        assertThat(RawHttp.json(again).get("runs").asInt()).isEqualTo(3);
        assertThat(http.get("/runs?pipeline=daily&trigger=backfill&limit=500").get("runs"))
                .filteredOn(r -> r.get("logical_time").asText().startsWith("2026-03-0"))
                .hasSize(3);
    }
}
