package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A downstream pipeline ({@code report}, Berlin dates) after two upstreams through the HTTP API: a day's report
 * starts once both upstreams have that day's run, backfilled days included, and once only; pipelines that would wait
 * for each other are refused at load with file:line.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class UpstreamTriggerTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/upstream");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    @Test
    void aBackfilledDayStartsTheReportOnceBothUpstreamsHaveIt() {
        backfill("ingest", "2026-11-02");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> states("ingest").equals(List.of("SUCCEEDED")));
        assertThat(runs("report")).as("clean has not run for the 2nd").isEmpty();

        backfill("clean", "2026-11-02");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> states("report").equals(List.of("SUCCEEDED")));

        JsonNode report = runs("report").get(0);
        assertThat(report.get("trigger").asText()).isEqualTo("upstream");
        assertThat(report.get("logical_time").asText()).isEqualTo("2026-11-01T23:00:00Z"); // midnight in Berlin
        // what made it: each upstream's run of that day
        JsonNode made = http.get("/runs/" + report.get("run_id").asText()).get("upstream_runs");
        assertThat(made.findValuesAsText("run_id"))
                .containsExactlyInAnyOrder(
                        runs("ingest").get(0).get("run_id").asText(),
                        runs("clean").get(0).get("run_id").asText());
        assertThat(made.findValuesAsText("pipeline")).containsExactlyInAnyOrder("ingest", "clean");
        assertThat(made.findValuesAsText("state")).containsOnly("SUCCEEDED");
        // another upstream day runs nothing until both have it; the 2nd never runs twice
        backfill("ingest", "2026-11-03");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> states("ingest").equals(List.of("SUCCEEDED", "SUCCEEDED")));
        assertThat(runs("report")).hasSize(1);
    }

    @Test
    void pipelinesThatWaitForEachOtherAreRefusedWhereTheyNameEachOther() {
        JsonNode pipelines = http.get("/pipelines");

        assertThat(pipelines.toString()).doesNotContain("\"loop_a\"", "\"loop_b\"");
        assertThat(pipelines.get("load_errors").toString())
                .contains("loop_a.yml:4:17: after: waiting for 'loop_b' closes a cycle of pipelines that wait for "
                        + "each other (loop_a waits for loop_b waits for loop_a), so none of them would ever run")
                .contains("loop_b.yml:4:17: after: waiting for 'loop_a' closes a cycle");
    }

    private void backfill(String pipeline, String day) {
        http.post("/pipelines/" + pipeline + "/backfill", Map.of("from", day, "to", day), 201);
    }

    /** The pipeline's runs but scheduled ones (its cron may fire while the test runs). */
    private List<JsonNode> runs(String pipeline) {
        List<JsonNode> runs = new ArrayList<>();
        http.get("/runs?pipeline=" + pipeline + "&limit=100").get("runs").forEach(run -> {
            if (!run.get("trigger").asText().equals("schedule")) {
                runs.add(run);
            }
        });
        return runs;
    }

    private List<String> states(String pipeline) {
        return runs(pipeline).stream().map(r -> r.get("state").asText()).toList();
    }
}
