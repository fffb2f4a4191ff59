package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Nobody triggers anything: the cron trigger alone makes runs, one per scheduled time. */
@ExtendWith(DropwizardExtensionsSupport.class)
class CronTriggerTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/cron");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    private JsonNode runs() {
        return EXTENSION
                .client()
                .target(APP.api("/runs?pipeline=tick"))
                .request(MediaType.APPLICATION_JSON)
                .get(JsonNode.class)
                .get("runs");
    }

    @Test
    void aPipelineOnAnEveryTwoSecondsCronGetsScheduledRunsThatSucceed() {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    int succeeded = 0;
                    for (JsonNode run : runs()) {
                        succeeded += run.get("state").asText().equals("SUCCEEDED") ? 1 : 0;
                    }
                    return succeeded >= 2;
                });
        Set<String> logicalTimes = new HashSet<>();
        for (JsonNode run : runs()) {
            assertThat(run.get("trigger").asText()).isEqualTo("schedule");
            Instant logical = Instant.parse(run.get("logical_time").asText());
            // logical times are the cron's scheduled times: whole seconds, even seconds
            assertThat(logical.getNano()).isZero();
            assertThat(logical.getEpochSecond() % 2).isZero();
            assertThat(logicalTimes.add(run.get("logical_time").asText())).isTrue();
        }
    }
}
