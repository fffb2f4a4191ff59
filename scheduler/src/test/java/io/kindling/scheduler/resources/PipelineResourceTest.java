package io.kindling.scheduler.resources;

import static io.kindling.scheduler.resources.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.config.LimitsConfig;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /api/v1/pipelines} served alone, in memory, over a real SQLite file and a real engine on the {@code sleep}
 * executor (see {@link ApiFixture}): the list with its load errors, triggering with params checked by type, and
 * JSON errors for bad bodies.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PipelineResourceTest {
    private static final ApiFixture API =
            new ApiFixture(Map.of("people.yml", ApiFixture.PEOPLE, "broken.yml", "pipeline: broken\ntasks: [\n"));
    private static final ResourceExtension RESOURCE = ApiFixture.serve(new PipelineResource(
            API.registry,
            API.ticker,
            API.engine,
            API.runs,
            API.versions,
            Clock.systemUTC(),
            new LimitsConfig(),
            API.audit));

    @AfterAll
    static void close() throws IOException {
        API.close();
    }

    private static Response get(String path, String caller) {
        return RESOURCE.target(path)
                .request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + caller)
                .get();
    }

    private static Response post(String path, String caller, Entity<?> body) {
        return RESOURCE.target(path)
                .request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + caller)
                .post(body);
    }

    @Test
    void listsPipelinesAndTheFilesThatFailedToLoad() {
        JsonNode list = get("/api/v1/pipelines", "viewer").readEntity(JsonNode.class);
        assertThat(list.get("pipelines")).extracting(p -> p.get("id").asText()).containsExactly("people");
        assertThat(list.get("load_errors")).hasSize(1);
        assertThat(list.get("load_errors").get(0).get("file").asText()).endsWith("broken.yml");
        // a restricted caller sees neither other pipelines nor file paths
        JsonNode restricted = get("/api/v1/pipelines", "restricted").readEntity(JsonNode.class);
        assertThat(restricted.get("pipelines")).isEmpty();
        assertThat(restricted.get("load_errors")).isEmpty();
        assertThat(assertError(get("/api/v1/pipelines/people", "restricted"), 404))
                .isEqualTo("pipeline 'people' not found");
        assertThat(assertError(get("/api/v1/pipelines/nope", "viewer"), 404)).isEqualTo("pipeline 'nope' not found");
    }

    @Test
    void triggersARunWithCheckedParamsAndRecordsWho() {
        Response created =
                post("/api/v1/pipelines/people/runs", "operator", Entity.json(Map.of("params", Map.of("min_age", 30))));
        assertThat(created.getStatus()).isEqualTo(201);
        JsonNode run = created.readEntity(JsonNode.class);
        String runId = run.get("run_id").asText();
        assertThat(created.getLocation().getPath()).isEqualTo("/api/v1/runs/" + runId);
        assertThat(run.get("state").asText()).isEqualTo("QUEUED");
        assertThat(run.get("trigger").asText()).isEqualTo("manual");
        assertThat(API.runs.findRun(runId).orElseThrow().params()).containsEntry("min_age", "30");
        assertThat(API.audit.forTarget(runId))
                .singleElement()
                .satisfies(entry -> assertThat(entry.action()).isEqualTo(AuditLog.RUN_TRIGGER));
    }

    @Test
    void badTriggerBodiesAnswer400AndStoreNoRun() {
        int before = API.runs
                .listRuns(Optional.of("people"), Optional.empty(), Optional.empty(), 500)
                .size();
        assertThat(assertError(
                        post(
                                "/api/v1/pipelines/people/runs",
                                "operator",
                                Entity.json(Map.of("params", Map.of("min_age", "abc")))),
                        400))
                .startsWith("param 'min_age' must be an int, got \"abc\"");
        assertThat(assertError(
                        post(
                                "/api/v1/pipelines/people/runs",
                                "operator",
                                Entity.json(Map.of("params", Map.of("min_age", List.of(1))))),
                        400))
                .startsWith("param 'min_age' must be an int, got a list");
        assertThat(assertError(
                        post(
                                "/api/v1/pipelines/people/runs",
                                "operator",
                                Entity.json(Map.of("params", Map.of("min_agee", 3)))),
                        400))
                .isEqualTo("unknown param 'min_agee': pipeline 'people' declares [min_age]");
        assertError(
                post(
                        "/api/v1/pipelines/people/runs",
                        "operator",
                        Entity.entity("{not json", MediaType.APPLICATION_JSON)),
                400);
        assertThat(assertError(post("/api/v1/pipelines/people/backfill", "operator", Entity.json(Map.of())), 400))
                .startsWith("from and to are required");
        assertThat(assertError(post("/api/v1/pipelines/nope/runs", "operator", Entity.json(Map.of())), 404))
                .isEqualTo("pipeline 'nope' not found");
        assertThat(API.runs.listRuns(Optional.of("people"), Optional.empty(), Optional.empty(), 500))
                .hasSize(before);
    }

    @Test
    void changesNeedAnOperator() {
        assertThat(post("/api/v1/pipelines/people/runs", "viewer", Entity.json(Map.of()))
                        .getStatus())
                .isEqualTo(403);
        assertThat(post("/api/v1/pipelines/people/pause", "viewer", Entity.json(Map.of()))
                        .getStatus())
                .isEqualTo(403);
        assertThat(get("/api/v1/pipelines", "nobody").getStatus()).isEqualTo(401);
    }
}
