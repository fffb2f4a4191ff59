package io.kindling.scheduler.auth;

import static io.kindling.scheduler.support.RawHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every state change leaves a row naming who did it; a run's page shows who triggered and cancelled it. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AuditLogTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/auth")
            .withOverrides(
                    ConfigOverride.config("webhooks.ops.url", "http://127.0.0.1:9/refused"),
                    ConfigOverride.config("alerting.retryFor", "1s"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static final String ADMIN = KindlingApp.ADMIN_TOKEN;

    private static JsonNode get(String path, String token) {
        HttpResponse<String> response = RawHttp.get(APP.api(path), bearer(token));
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return RawHttp.json(response);
    }

    private static JsonNode post(String path, String body, String token, int status) {
        HttpResponse<String> response = RawHttp.post(APP.api(path), body, bearer(token));
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(status);
        return RawHttp.json(response);
    }

    private static String state(String runId) {
        return get("/runs/" + runId, ADMIN).get("state").asText();
    }

    /** The audit rows whose target is {@code target}, oldest first, as "action by actor". */
    private static List<String> rows(String target) {
        List<String> out = new ArrayList<>();
        get("/audit?target=" + target, ADMIN)
                .get("entries")
                .forEach(e -> out.add(
                        0, e.get("action").asText() + " by " + e.get("actor").asText()));
        return out;
    }

    @Test
    void everyStateChangeIsRecordedWithItsActor() {
        String operator = RawHttp.token(APP, "operator", null);
        String who =
                "token:test operator (" + get("/whoami", operator).get("id").asText() + ")";
        String admin = "token:bootstrap (" + get("/whoami", ADMIN).get("id").asText() + ")";

        String run = post("/pipelines/sales_daily/runs", "{}", operator, 201)
                .get("run_id")
                .asText();
        post("/runs/" + run + "/cancel", "{}", operator, 200);
        post("/pipelines/sales_daily/pause", "{}", operator, 200);
        post("/pipelines/sales_daily/resume", "{}", operator, 200);
        String backfill = post(
                        "/pipelines/sales_daily/backfill",
                        "{\"from\": \"2026-06-01\", \"to\": \"2026-06-02\"}",
                        operator,
                        201)
                .get("backfill_id")
                .asText();
        String failed = post("/pipelines/sales_fails/runs", "{}", operator, 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> state(failed).equals("FAILED"));
        post("/runs/" + failed + "/repair", "{}", operator, 202);
        String delivery = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            JsonNode page = get("/webhooks/deliveries?state=FAILED", ADMIN);
                            return page.get("deliveries").isEmpty()
                                    ? null
                                    : page.get("deliveries")
                                            .get(0)
                                            .get("delivery_id")
                                            .asText();
                        },
                        id -> id != null);
        post("/webhooks/deliveries/" + delivery + "/retry", "{}", operator, 202);
        post("/sources/sync", "{}", ADMIN, 200);
        String token = post("/tokens", "{\"name\": \"short\", \"role\": \"viewer\"}", ADMIN, 201)
                .get("id")
                .asText();
        post("/tokens/" + token + "/revoke", "{}", ADMIN, 200);
        String user = post(
                        "/users",
                        "{\"username\": \"carol\", \"password\": \"a long enough password\", "
                                + "\"role\": \"viewer\"}",
                        ADMIN,
                        201)
                .get("id")
                .asText();
        RawHttp.post(APP.api("/login"), "{\"username\": \"carol\", \"password\": \"not her password\"}");
        RawHttp.post(APP.api("/login"), "{\"username\": \"carol\", \"password\": \"a long enough password\"}");

        assertThat(rows(run)).containsExactly("run.trigger by " + who, "run.cancel by " + who);
        assertThat(rows("sales_daily")).containsExactly("pipeline.pause by " + who, "pipeline.resume by " + who);
        assertThat(rows(backfill)).containsExactly("backfill.create by " + who);
        assertThat(rows(failed)).containsExactly("run.trigger by " + who, "run.repair by " + who);
        assertThat(rows(delivery)).containsExactly("delivery.retry by " + who);
        assertThat(rows("*")).containsExactly("sources.sync by " + admin);
        assertThat(rows(token)).containsExactly("token.create by " + admin, "token.revoke by " + admin);
        assertThat(rows(user)).containsExactly("user.create by " + admin, "login by user:carol");

        JsonNode all = get("/audit?limit=500", ADMIN).get("entries");
        List<String> actions = new ArrayList<>();
        all.forEach(e -> actions.add(e.get("action").asText()));
        assertThat(actions).contains("login.failed");
        JsonNode newest = all.get(0);
        assertThat(newest.get("action").asText()).isEqualTo("login");
        assertThat(newest.get("remote_address").asText()).isEqualTo("127.0.0.1");
        assertThat(get("/audit?target=" + backfill, ADMIN)
                        .get("entries")
                        .get(0)
                        .get("detail")
                        .asText())
                .contains("\"pipeline\":\"sales_daily\"", "\"runs\":2");

        // paging: newest first, "next" continues below
        JsonNode first = get("/audit?limit=2", ADMIN);
        JsonNode second = get("/audit?limit=2&before=" + first.get("next").asText(), ADMIN);
        assertThat(second.get("entries").get(0).get("id").asText())
                .isLessThan(first.get("entries").get(1).get("id").asText());
    }

    @Test
    void theRunViewSaysWhoTriggeredAndCancelledIt() {
        String operator = RawHttp.token(APP, "operator", null);
        String run = post("/pipelines/sales_daily/runs", "{}", operator, 201)
                .get("run_id")
                .asText();
        post("/runs/" + run + "/cancel", "{}", ADMIN, 200);

        String viewer = RawHttp.token(APP, "viewer", null);
        JsonNode audit = get("/runs/" + run, viewer).get("audit");
        assertThat(audit).hasSize(2);
        assertThat(audit.get(0).get("action").asText()).isEqualTo("run.trigger");
        assertThat(audit.get(0).get("actor").asText()).startsWith("token:test operator");
        assertThat(audit.get(1).get("action").asText()).isEqualTo("run.cancel");
        assertThat(audit.get(1).get("actor").asText()).startsWith("token:bootstrap");
        assertThat(audit.get(1).has("remote_address"))
                .as("viewers see who and what, not from where")
                .isFalse();
    }

    @Test
    void onlyAdminsReadTheAuditLog() {
        assertThat(RawHttp.get(APP.api("/audit"), bearer(RawHttp.token(APP, "operator", null)))
                        .statusCode())
                .isEqualTo(403);
        assertThat(RawHttp.get(APP.api("/audit?limit=0"), bearer(ADMIN)).statusCode())
                .isEqualTo(400);
    }
}
