package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.MutableClock;
import io.kindling.scheduler.support.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code deadline:} end to end: the real daemon with a clock the test moves, its checks reading the run history, and
 * the alerts delivered over HTTP to a real receiver. {@code nightly} runs at 02:00 UTC, must start by 02:10 and be
 * done by 07:00 Berlin (06:00 UTC).
 */
class DeadlinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant FIRST_SEEN = Instant.parse("2026-12-03T12:00:00Z");
    private static final Instant TIME = Instant.parse("2026-12-04T02:00:00Z");

    private final MutableClock clock = new MutableClock(FIRST_SEEN);
    private final WebhookReceiver receiver = new WebhookReceiver().start();
    private final List<KindlingApp> running = new ArrayList<>();
    private final java.util.Set<String> propertiesBefore =
            System.getProperties().stringPropertyNames();

    @AfterEach
    void stop() {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).stop();
        }
        // two daemons at once share their ConfigOverride objects (KindlingApp.again), and each override remembers
        // the property it found: the second one's start found the first one's value and puts it back at its stop
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("dw.") && !propertiesBefore.contains(name))
                .forEach(System::clearProperty);
        receiver.close();
    }

    private KindlingApp daemon() {
        return KindlingApp.create(clock, false, "pipelines/deadlines")
                .withOverrides(ConfigOverride.config("webhooks.ops.url", receiver.url("/ops")));
    }

    private KindlingApp start(KindlingApp app) throws Exception {
        running.add(app.start());
        return app;
    }

    private void stop(KindlingApp app) {
        app.stop();
        running.remove(app);
    }

    private List<JsonNode> received(String type) {
        return receiver.received().stream()
                .filter(r -> type.equals(r.header("X-Kindling-Event")))
                .map(r -> json(r.body()))
                .toList();
    }

    private static List<JsonNode> outbox(KindlingApp app, String type) {
        JsonNode page = new Http(app).get("/webhooks/deliveries?limit=500");
        return StreamSupport.stream(page.get("deliveries").spliterator(), false)
                .filter(d -> d.get("event_type").asText().equals(type))
                .toList();
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aTimeMissedWhileTheDaemonWasDownIsLateOnceAfterTheRestartAndAgainAfterTheNext() throws Exception {
        KindlingApp first = start(daemon());
        first.application().alertChecks().checkNow(); // the deadline is seen from 3 December 12:00 on
        stop(first);

        // down from 3 December 12:00 to 4 December 08:00: nobody made the 02:00 run, nobody looked at 02:10 or 06:00
        clock.set(Instant.parse("2026-12-04T08:00:00Z"));
        KindlingApp second = start(first.again());
        second.application().alertChecks().checkNow();
        second.application().alertChecks().checkNow();

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received("run_late").size() == 1
                        && received("run_start_late").size() == 1);
        JsonNode late = received("run_late").get(0);
        assertThat(late.get("pipeline").asText()).isEqualTo("nightly");
        assertThat(late.get("logical_time").asText()).isEqualTo(TIME.toString());
        assertThat(late.get("deadline").asText()).isEqualTo("2026-12-04T06:00:00Z");
        assertThat(late.get("error").asText()).contains("2026-12-04T02:00:00Z", "2026-12-04T06:00:00Z");
        JsonNode startLate = received("run_start_late").get(0);
        assertThat(startLate.get("logical_time").asText()).isEqualTo(TIME.toString());
        assertThat(startLate.get("deadline").asText()).isEqualTo("2026-12-04T02:10:00Z");

        // a later restart, still past both deadlines, raises nothing again; 3 December 02:00 (before the deadline
        // was first seen) never was late
        stop(second);
        clock.set(Instant.parse("2026-12-04T09:00:00Z"));
        KindlingApp third = start(second.again());
        third.application().alertChecks().checkNow();
        assertThat(outbox(third, "run_late")).hasSize(1);
        assertThat(outbox(third, "run_start_late")).hasSize(1);
        assertThat(received("run_late")).hasSize(1);
        assertThat(received("run_start_late")).hasSize(1);
        // the dashboard's home lists the time as late, once, until a run for it succeeds: the restart's catch-up
        // makes the 02:00 run, which may succeed before or after the list is read
        Http api = new Http(third);
        JsonNode lateRuns = api.get("/late-runs").get("late_runs");
        boolean succeededSince = api.runs("nightly").stream()
                .anyMatch(r -> r.get("logical_time").asText().equals(TIME.toString())
                        && r.get("state").asText().equals("SUCCEEDED"));
        if (lateRuns.isEmpty()) {
            assertThat(succeededSince)
                    .as("left out only once a run for the time succeeded")
                    .isTrue();
        } else {
            assertThat(lateRuns).hasSize(1);
            assertThat(lateRuns.get(0).get("pipeline").asText()).isEqualTo("nightly");
            assertThat(lateRuns.get(0).get("alert").asText()).isEqualTo("run_late");
            assertThat(lateRuns.get(0).get("logical_time").asText()).isEqualTo(TIME.toString());
            assertThat(lateRuns.get(0).get("message").asText()).startsWith("not done by its deadline, ");
            assertThat(lateRuns.get(0).path("state").asText()).isNotEqualTo("SUCCEEDED");
        }
    }

    @Test
    void aRunThatStartsAndSucceedsInTimeIsNotLate() throws Exception {
        KindlingApp app = start(daemon());
        app.application().alertChecks().checkNow();
        // 02:00: the ticker makes the run and the engine runs it at once (the clock stands still at 02:00)
        clock.set(TIME);
        app.application().ticker().tickAll();
        Http api = new Http(app);
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> api.runs("nightly").stream()
                        .anyMatch(r -> r.get("state").asText().equals("SUCCEEDED")));

        clock.set(Instant.parse("2026-12-04T07:00:00Z"));
        app.application().alertChecks().checkNow();
        assertThat(outbox(app, "run_late")).isEmpty();
        assertThat(outbox(app, "run_start_late")).isEmpty();
        assertThat(api.get("/late-runs").get("late_runs")).isEmpty();
    }

    @Test
    void aPipelineStartedAfterAPausedUpstreamIsLateForTheUpstreamsTime() throws Exception {
        KindlingApp app = start(KindlingApp.create(clock, false, "pipelines/deadlines", "pipelines/deadlines-after")
                .withOverrides(ConfigOverride.config("webhooks.ops.url", receiver.url("/ops"))));
        app.application().alertChecks().checkNow();
        new Http(app).post("/pipelines/nightly/pause");

        clock.set(Instant.parse("2026-12-04T08:00:00Z"));
        app.application().alertChecks().checkNow();

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received("run_late").size() == 1);
        JsonNode late = received("run_late").get(0);
        assertThat(late.get("pipeline").asText()).isEqualTo("report");
        assertThat(late.get("logical_time").asText()).isEqualTo(TIME.toString());
        assertThat(late.get("deadline").asText()).isEqualTo("2026-12-04T07:00:00Z");
        assertThat(late.get("run_id").isNull()).isTrue();
        app.application().alertChecks().checkNow();
        assertThat(outbox(app, "run_late")).hasSize(1); // nightly is paused, so never late itself
    }

    @Test
    void aPausedPipelineIsNeverLateAndResumingDoesNotGoBack() throws Exception {
        KindlingApp app = start(daemon());
        app.application().alertChecks().checkNow();
        Http api = new Http(app);
        api.post("/pipelines/nightly/pause");

        clock.set(Instant.parse("2026-12-04T08:00:00Z"));
        app.application().alertChecks().checkNow();
        api.post("/pipelines/nightly/resume");
        app.application().alertChecks().checkNow();
        assertThat(outbox(app, "run_late")).isEmpty();
        assertThat(outbox(app, "run_start_late")).isEmpty();
    }

    @Test
    void twoDaemonsOnOneDatabaseAlertOnceBetweenThem() throws Exception {
        KindlingApp one = start(daemon());
        KindlingApp two = start(one.again());
        one.application().alertChecks().checkNow();

        clock.set(Instant.parse("2026-12-04T06:30:00Z"));
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (KindlingApp app : List.of(one, two, one, two)) {
            checks.add(CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                app.application().alertChecks().checkNow();
            }));
        }
        go.countDown();
        CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).join();

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> received("run_late").size() == 1
                        && received("run_start_late").size() == 1);
        assertThat(outbox(one, "run_late")).hasSize(1);
        assertThat(outbox(two, "run_start_late")).hasSize(1);
    }
}
