package io.kindling.scheduler.resources;

import static io.kindling.scheduler.resources.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TriggerType;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /api/v1/runs} served alone, in memory, over a real SQLite file (see {@link ApiFixture}): how each query
 * parameter is read, and what a bad one answers. Three manual runs of {@code people} exist; they never end.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RunResourceTest {
    private static final ApiFixture API = new ApiFixture(Map.of("people.yml", ApiFixture.PEOPLE));
    private static final ResourceExtension RESOURCE =
            ApiFixture.serve(new RunResource(API.runs, API.engine, API.registry, API.audit));
    /** Oldest first. */
    private static final List<String> RUN_IDS = new ArrayList<>();

    @BeforeAll
    static void threeRuns() {
        for (int i = 0; i < 3; i++) {
            RunRecord run = API.engine
                    .trigger(API.registry.get("people").orElseThrow(), TriggerType.MANUAL, Instant.now(), Map.of())
                    .orElseThrow();
            RUN_IDS.add(run.runId());
        }
    }

    @AfterAll
    static void close() throws IOException {
        API.close();
    }

    private static Response get(String pathAndQuery, String caller) {
        String[] parts = pathAndQuery.split("\\?", 2);
        var target = RESOURCE.target(parts[0]);
        if (parts.length == 2) {
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                target = target.queryParam(kv[0], kv.length == 2 ? kv[1] : "");
            }
        }
        return target.request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + caller)
                .get();
    }

    private static List<String> runIds(String query) {
        Response response = get("/api/v1/runs" + query, "viewer");
        assertThat(response.getStatus()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.readEntity(JsonNode.class)
                .get("runs")
                .forEach(r -> ids.add(r.get("run_id").asText()));
        return ids;
    }

    @Test
    void pagesNewestFirstWithNextAsBefore() {
        JsonNode first = get("/api/v1/runs?limit=2", "viewer").readEntity(JsonNode.class);
        assertThat(first.get("runs"))
                .extracting(r -> r.get("run_id").asText())
                .containsExactly(RUN_IDS.get(2), RUN_IDS.get(1));
        assertThat(first.get("next").asText()).isEqualTo(RUN_IDS.get(1));

        JsonNode second =
                get("/api/v1/runs?limit=2&before=" + RUN_IDS.get(1), "viewer").readEntity(JsonNode.class);
        assertThat(second.get("runs")).extracting(r -> r.get("run_id").asText()).containsExactly(RUN_IDS.get(0));
        assertThat(second.get("next").isNull()).isTrue();
    }

    @Test
    void filtersByEachParameter() {
        assertThat(runIds("")).hasSize(3);
        assertThat(runIds("?pipeline=people")).hasSize(3);
        assertThat(runIds("?pipeline=nope")).isEmpty();
        assertThat(runIds("?trigger=manual")).hasSize(3);
        assertThat(runIds("?trigger=MANUAL")).hasSize(3);
        assertThat(runIds("?trigger=schedule")).isEmpty();
        assertThat(runIds("?state=succeeded")).isEmpty();
        assertThat(runIds("?from=2100-01-01T00:00:00Z")).isEmpty();
        assertThat(runIds("?to=2100-01-01T00:00:00Z")).hasSize(3);
        assertThat(runIds("?to=2000-01-01T00:00:00Z")).isEmpty();
        assertThat(runIds("?limit=1")).containsExactly(RUN_IDS.get(2));
    }

    @Test
    void anEmptyParameterIsAnAbsentOne() {
        assertThat(runIds("?pipeline=&state=&trigger=&from=&to=&limit=&before="))
                .hasSize(3);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "limit=abc         | limit must be an integer between 1 and 500, got 'abc'",
                "limit=0           | limit must be between 1 and 500, got 0",
                "limit=501         | limit must be between 1 and 500, got 501",
                "limit=2.5         | limit must be an integer between 1 and 500, got '2.5'",
                "state=sleeping    | unknown state 'sleeping', expected one of [QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED]",
                "trigger=cron      | unknown trigger 'cron', expected one of schedule, manual, backfill, upstream, event, files, continuous",
                "from=yesterday    | from must be an ISO-8601 UTC time such as 2026-10-01T00:00:00Z, got 'yesterday'",
                "to=2026-13-01     | to must be an ISO-8601 UTC time such as 2026-10-01T00:00:00Z, got '2026-13-01'",
                // a format string in the input is quoted as it is, not formatted
                "state=%s%d%n      | unknown state '%s%d%n', expected one of [QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED]",
            })
    void aBadParameterAnswers400WithWhatIsWrong(String query, String message) {
        assertThat(assertError(get("/api/v1/runs?" + query, "viewer"), 400)).isEqualTo(message);
    }

    @Test
    void logParametersAreCheckedBeforeTheRunIsLookedUp() {
        String log = "/api/v1/runs/" + RUN_IDS.get(0) + "/tasks/adults/log";
        assertThat(assertError(get(log + "?offset=-1", "viewer"), 400)).isEqualTo("offset must be 0 or more, got -1");
        assertThat(assertError(get(log + "?offset=x", "viewer"), 400)).isEqualTo("offset must be an integer, got 'x'");
        assertThat(assertError(get(log + "?attempt=first", "viewer"), 400))
                .isEqualTo("attempt must be an integer, got 'first'");
        assertThat(assertError(get("/api/v1/runs/nope/tasks/adults/log?offset=-1", "viewer"), 400))
                .isEqualTo("offset must be 0 or more, got -1");
        assertThat(assertError(get("/api/v1/runs/nope/tasks/adults/log", "viewer"), 404))
                .isEqualTo("run 'nope' not found");
        assertThat(assertError(get("/api/v1/runs/" + RUN_IDS.get(0) + "/tasks/nope/log", "viewer"), 404))
                .isEqualTo("task 'nope' of run '" + RUN_IDS.get(0) + "' has no attempts");
    }

    @Test
    void oneRunWithItsTasks() {
        JsonNode run = get("/api/v1/runs/" + RUN_IDS.get(0), "viewer").readEntity(JsonNode.class);
        assertThat(run.get("run_id").asText()).isEqualTo(RUN_IDS.get(0));
        assertThat(run.get("pipeline").asText()).isEqualTo("people");
        assertThat(run.get("tasks")).extracting(t -> t.get("task_id").asText()).containsExactly("adults");
        assertThat(assertError(get("/api/v1/runs/nope", "viewer"), 404)).isEqualTo("run 'nope' not found");
    }

    @Test
    void callersAreCheckedAsInTheDaemon() {
        assertThat(get("/api/v1/runs", "nobody").getStatus()).isEqualTo(401);
        // restricted to other* pipelines: people's runs are left out of the page, and do not exist one by one
        assertThat(get("/api/v1/runs", "restricted").readEntity(JsonNode.class).get("runs"))
                .isEmpty();
        assertThat(assertError(get("/api/v1/runs/" + RUN_IDS.get(0), "restricted"), 404))
                .isEqualTo("run '" + RUN_IDS.get(0) + "' not found");
        // cancelling needs an operator
        Response viewerCancel = RESOURCE.target("/api/v1/runs/" + RUN_IDS.get(0) + "/cancel")
                .request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer viewer")
                .post(Entity.json(Map.of()));
        assertThat(viewerCancel.getStatus()).isEqualTo(403);
    }
}
