package io.kindling.scheduler.resources;

import static io.kindling.scheduler.resources.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.config.LimitsConfig;
import io.kindling.scheduler.db.MuteDao;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
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
            API.audit,
            new MuteDao(API.database.jdbi())));

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
    void anOperatorMutesAPipelinesAlertsUntilATimeAndUnmutesThemAudited() {
        Response muted = post(
                "/api/v1/pipelines/people/mute", "operator", Entity.json(Map.of("for", "2h", "reason", "db upgrade")));
        assertThat(muted.getStatus()).isEqualTo(200);
        JsonNode view = muted.readEntity(JsonNode.class);
        assertThat(view.get("muted").asBoolean()).isTrue();
        assertThat(view.get("reason").asText()).isEqualTo("db upgrade");
        Instant until = Instant.parse(view.get("muted_until").asText());
        assertThat(until)
                .isBetween(Instant.now().plusSeconds(7100), Instant.now().plusSeconds(7300));
        assertThat(get("/api/v1/pipelines/people/mute", "viewer")
                        .readEntity(JsonNode.class)
                        .get("muted_until")
                        .asText())
                .isEqualTo(until.toString());
        assertThat(API.audit.forTarget("people"))
                .anySatisfy(entry -> assertThat(entry.action()).isEqualTo(AuditLog.PIPELINE_MUTE));

        JsonNode unmuted = post("/api/v1/pipelines/people/unmute", "operator", Entity.json(Map.of()))
                .readEntity(JsonNode.class);
        assertThat(unmuted.get("muted").asBoolean()).isFalse();
        assertThat(API.audit.forTarget("people"))
                .anySatisfy(entry -> assertThat(entry.action()).isEqualTo(AuditLog.PIPELINE_UNMUTE));
        assertThat(assertError(post("/api/v1/pipelines/people/unmute", "operator", Entity.json(Map.of())), 409))
                .isEqualTo("pipeline 'people' is not muted");
    }

    @Test
    void aMuteNeedsOneFutureEndWithinNinetyDaysAndAnOperator() {
        String mute = "/api/v1/pipelines/people/mute";
        assertThat(assertError(post(mute, "operator", Entity.json(Map.of())), 400))
                .contains("give one of until or for");
        assertThat(assertError(
                        post(mute, "operator", Entity.json(Map.of("for", "1h", "until", "2030-01-01T00:00Z"))), 400))
                .contains("give one of until or for");
        assertThat(assertError(post(mute, "operator", Entity.json(Map.of("for", "soon"))), 400))
                .startsWith("for: invalid duration 'soon'");
        assertThat(assertError(post(mute, "operator", Entity.json(Map.of("until", "2020-01-01T00:00:00Z"))), 400))
                .contains("not in the future");
        assertThat(assertError(post(mute, "operator", Entity.json(Map.of("until", "tomorrow"))), 400))
                .startsWith("until: expected a time with an offset");
        assertThat(assertError(post(mute, "operator", Entity.json(Map.of("for", "100d"))), 400))
                .contains("at most 90 days");
        assertThat(post(mute, "viewer", Entity.json(Map.of("for", "1h"))).getStatus())
                .isEqualTo(403);
        assertThat(assertError(post("/api/v1/pipelines/nope/mute", "operator", Entity.json(Map.of("for", "1h"))), 404))
                .isEqualTo("pipeline 'nope' not found");
        assertThat(get(mute, "viewer").readEntity(JsonNode.class).get("muted").asBoolean())
                .isFalse();
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
