package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A continuous pipeline's stream survives a restart of its daemon: the run left active is taken up again by the next
 * start (the same run, its task run again), no second run is made, and the query resumes from its checkpoint.
 */
class ContinuousRestartTest {

    @Test
    void theActiveRunIsTakenUpAgainAfterARestartAndNoOtherIsMade() throws Exception {
        KindlingApp first = KindlingApp.create(false, "pipelines/continuous")
                .withOverrides(ConfigOverride.config("continuous.checkInterval", "200ms"));
        Files.createDirectories(first.workDir.resolve("landing/events"));
        drop(first, "a.json", "{\"id\": 1, \"name\": \"ada\"}\n");
        String runId;
        first.start();
        try {
            ContinuousRuns runs = new ContinuousRuns(first);
            runId = runs.awaitActiveRun("stream").get("run_id").asText();
            JsonNode run = runs.full(runs.active("stream").get(0));
            await().atMost(Duration.ofMinutes(1)).until(() -> runs.log(run).contains("micro-batch 0: 1 rows"));
        } finally {
            first.stop();
        }

        KindlingApp second = first.again().start();
        try {
            ContinuousRuns runs = new ContinuousRuns(second);
            Http http = new Http(second);
            JsonNode active = runs.awaitActiveRun("stream");
            assertThat(active.get("run_id").asText()).isEqualTo(runId);
            drop(second, "b.json", "{\"id\": 2, \"name\": \"bo\"}\n");
            // the resumed query reads b.json alone
            await().atMost(Duration.ofMinutes(1)).until(() -> runs.log(active).contains("micro-batch 1: 1 rows"));
            assertThat(runs.log(active)).doesNotContain(": 2 rows");
            assertThat(http.runs("stream")).hasSize(1);
            http.post("/pipelines/stream/pause");
            http.post("/runs/" + runId + "/cancel");
            assertThat(runs.awaitEnded(runId).get("state").asText()).isEqualTo("CANCELLED");
            assertThat(http.runs("stream")).hasSize(1);
        } finally {
            second.stop();
        }
    }

    private static void drop(KindlingApp app, String name, String text) throws Exception {
        Path staged = Files.writeString(app.workDir.resolve(name + ".tmp"), text);
        Files.move(staged, app.workDir.resolve("landing/events").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
