package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code attemptLogLimit} through the daemon: a task on the local executor (its Spark process writes the log) that
 * logs about 700 KiB leaves a log within a 64 KiB limit, with its first lines, a marker, and its last lines.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AttemptLogLimitTest {
    private static final int LIMIT = 64 * 1024;
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/log_limit")
            .withOverrides(ConfigOverride.config("attemptLogLimit", "64KiB"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    @Test
    void aNoisyTasksLogStopsAtTheLimitKeepingItsStartAndItsEnd() {
        String runId =
                http.post("/pipelines/noisy/runs", Map.of(), 201).get("run_id").asText();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.get("/runs/" + runId).get("state").asText(), s -> s.equals("SUCCEEDED"));

        String log = EXTENSION
                .client()
                .target(APP.api("/runs/" + runId + "/tasks/talk/log"))
                .request()
                .get(String.class);
        assertThat(log.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(LIMIT);
        assertThat(log)
                .contains("noisy line 1 of 20000")
                .contains("[kindling: this log passed half its limit of " + LIMIT + " bytes;")
                .containsPattern("\\[kindling: \\d+ bytes left out; the log's last \\d+ bytes follow]")
                .contains("noisy line 20000 of 20000")
                .doesNotContain("noisy line 10000 of 20000");
    }
}
