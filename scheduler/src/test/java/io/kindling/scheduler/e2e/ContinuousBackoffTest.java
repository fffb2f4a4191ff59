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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A continuous pipeline whose streaming task always times out, on a real daemon with local Spark: the timeout stops
 * the query, the run fails without retries, and the next run waits a backoff that doubles with each failure in a
 * row (up to the cap; a failed run that lived the cap counts as a first failure again).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ContinuousBackoffTest {
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
    /** Longer than a timed-out run lives (its 3 s timeout and the stop), so that its failures count up. */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

    private static final KindlingApp APP = landing(KindlingApp.create(false, "pipelines/continuous_timeout")
            .withOverrides(
                    ConfigOverride.config("continuous.initialBackoff", INITIAL_BACKOFF.toMillis() + "ms"),
                    ConfigOverride.config("continuous.maxBackoff", MAX_BACKOFF.toMillis() + "ms"),
                    ConfigOverride.config("continuous.checkInterval", "200ms")));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);
    private final ContinuousRuns runs = new ContinuousRuns(APP);

    private static KindlingApp landing(KindlingApp app) {
        try {
            Files.createDirectories(app.workDir.resolve("landing/timed"));
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRunThatTimesOutStopsItsQueryAndTheNextWaitsADoublingBackoff() {
        // the first may time out while Spark starts, before its query does
        await().atMost(Duration.ofMinutes(2)).until(() -> runs.ended("timed").size() >= 3);
        http.post("/pipelines/timed/pause");
        await().atMost(Duration.ofMinutes(1)).until(() -> runs.active("timed").isEmpty());

        List<JsonNode> made = runs.byCreation("timed");
        int streamed = 0;
        for (JsonNode run : made) {
            JsonNode full = runs.full(run);
            assertThat(full.get("state").asText()).isEqualTo("FAILED");
            assertThat(full.get("trigger").asText()).isEqualTo("continuous");
            // no retries: one attempt, stopped by its timeout
            assertThat(full.get("tasks").get(0).get("attempts")).hasSize(1);
            assertThat(ContinuousRuns.attempt(full).get("state").asText()).isEqualTo("TIMED_OUT");
            String log = runs.log(run);
            if (log.contains(" started (run ")) {
                assertThat(log).contains("stopping streaming query", "stopped", "attempt cancelled");
                streamed++;
            }
        }
        assertThat(streamed).as("runs whose query started").isPositive();
        // the n-th failure in a row waits initial * 2^(n-1), capped
        int inARow = 0;
        for (int i = 1; i < made.size(); i++) {
            JsonNode previous = made.get(i - 1);
            Instant ended = Instant.parse(previous.get("ended_at").asText());
            Duration lived =
                    Duration.between(Instant.parse(previous.get("started_at").asText()), ended);
            inARow = lived.compareTo(MAX_BACKOFF) >= 0 ? 1 : inARow + 1;
            Duration backoff = INITIAL_BACKOFF.multipliedBy(1L << Math.min(inARow - 1, 10));
            Duration gap = Duration.between(
                    ended, Instant.parse(made.get(i).get("created_at").asText()));
            assertThat(gap)
                    .as("run %d", i + 1)
                    .isGreaterThanOrEqualTo(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
        }
        assertThat(runs.queryThread("timed", "listen")).isEmpty();
        runs.assertOneActiveAtATime("timed");
    }
}
