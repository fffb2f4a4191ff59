package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.kindling.scheduler.alerts.AlertChecks;
import io.kindling.scheduler.support.DurationHistory;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.MutableClock;
import io.kindling.scheduler.support.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code alerts: {duration_anomaly: {k: 3, min_runs: 10}}} end to end: a synthetic history of successful runs written
 * into the daemon's database, real runs that do not end until the test says so, a clock the test moves, and the
 * alerts delivered over HTTP to a real receiver.
 */
class DurationAnomalyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    private final MutableClock clock = new MutableClock(NOW);
    private final WebhookReceiver receiver = new WebhookReceiver().start();
    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        receiver.close();
    }

    private void history(String pipeline, int runs) {
        DurationHistory.write(app.databaseUrl(), pipeline, runs, NOW);
    }

    private List<JsonNode> received(String type, String pipeline) {
        return receiver.received().stream()
                .filter(r -> type.equals(r.header("X-Kindling-Event")))
                .map(r -> json(r.body()))
                .filter(e -> e.get("pipeline").asText().equals(pipeline))
                .toList();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String startRunning(Http api, String pipeline) {
        String runId = api.post("/pipelines/" + pipeline + "/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/runs/" + runId)
                        .get("tasks")
                        .get(0)
                        .get("state")
                        .asText()
                        .equals("RUNNING"));
        return runId;
    }

    @Test
    void thirtyRunsAndOneSlowRunRaiseOneRunSlowAndFewerThanMinRunsNone() throws Exception {
        app = KindlingApp.create(clock, false, "pipelines/baselines")
                .withOverrides(
                        ConfigOverride.config("webhooks.ops.url", receiver.url("/ops")),
                        // the test checks when it has moved the clock; the daemon's own rounds would race it
                        ConfigOverride.config("alerting.checkInterval", "1h"))
                .start();
        history("steady", 30);
        history("young", 9);
        Http api = new Http(app);
        String slow = startRunning(api, "steady");
        startRunning(api, "young");
        AlertChecks checks = app.application().alertChecks();

        clock.advance(Duration.ofSeconds(29)); // under 3 x 10 s
        assertThat(checks.checkNow().slow()).isZero();
        clock.advance(Duration.ofSeconds(2)); // 31 s: over
        assertThat(checks.checkNow().slow()).isEqualTo(2); // the run and its task
        clock.advance(Duration.ofMinutes(5)); // still going, slower still: nothing new
        assertThat(checks.checkNow().slow()).isZero();
        Files.createDirectories(app.workDir.resolve("data"));
        Files.writeString(app.workDir.resolve("data/steady.done"), "done");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received("run_slow", "steady").size() == 1
                        && received("task_slow", "steady").size() == 1
                        && api.get("/runs/" + slow).get("state").asText().equals("SUCCEEDED"));

        JsonNode runSlow = received("run_slow", "steady").get(0);
        assertThat(runSlow.get("run_id").asText()).isEqualTo(slow);
        assertThat(runSlow.get("baseline_p95_ms").asLong()).isEqualTo(10_000);
        assertThat(runSlow.get("baseline_runs").asInt()).isEqualTo(30);
        assertThat(runSlow.get("k").asDouble()).isEqualTo(3.0);
        assertThat(runSlow.get("duration_ms").asLong()).isEqualTo(31_000);
        JsonNode taskSlow = received("task_slow", "steady").get(0);
        assertThat(taskSlow.get("task").asText()).isEqualTo("wait");
        assertThat(taskSlow.get("run_id").asText()).isEqualTo(slow);
        // young has 9 successful runs, under min_runs: 5 minutes against a 10 s p95 raise nothing
        assertThat(received("run_slow", "young")).isEmpty();
        assertThat(received("task_slow", "young")).isEmpty();
        assertThat(checks.checkNow().slow()).isZero();
        assertThat(received("run_slow", "steady")).hasSize(1);
    }
}
