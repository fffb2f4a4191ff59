package io.kindling.scheduler.auth;

import static io.kindling.scheduler.support.RawHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A token restricted to {@code sales_*} sees and acts on those pipelines only; others look absent (404). */
@ExtendWith(DropwizardExtensionsSupport.class)
class RestrictedTokenTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/auth");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    private static List<String> ids(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    @Test
    void aSalesTokenSeesAndActsOnSalesPipelinesOnly() {
        String admin = KindlingApp.ADMIN_TOKEN;
        String hrRun = RawHttp.json(RawHttp.post(APP.api("/pipelines/hr_daily/runs"), "{}", bearer(admin)))
                .get("run_id")
                .asText();
        String sales = RawHttp.token(APP, "operator", "sales_*");

        JsonNode pipelines = RawHttp.json(RawHttp.get(APP.api("/pipelines"), bearer(sales)));
        assertThat(ids(pipelines.get("pipelines"), "id")).containsExactlyInAnyOrder("sales_daily", "sales_fails");
        assertThat(RawHttp.get(APP.api("/pipelines/hr_daily"), bearer(sales)).statusCode())
                .isEqualTo(404);
        assertThat(RawHttp.post(APP.api("/pipelines/hr_daily/runs"), "{}", bearer(sales))
                        .statusCode())
                .isEqualTo(404);
        assertThat(RawHttp.post(APP.api("/pipelines/hr_daily/pause"), "{}", bearer(sales))
                        .statusCode())
                .isEqualTo(404);
        assertThat(RawHttp.get(APP.api("/runs/" + hrRun), bearer(sales)).statusCode())
                .isEqualTo(404);
        assertThat(RawHttp.post(APP.api("/runs/" + hrRun + "/cancel"), "{}", bearer(sales))
                        .statusCode())
                .isEqualTo(404);

        String salesRun = RawHttp.json(RawHttp.post(APP.api("/pipelines/sales_daily/runs"), "{}", bearer(sales)))
                .get("run_id")
                .asText();
        assertThat(RawHttp.get(APP.api("/runs/" + salesRun), bearer(sales)).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> RawHttp.json(RawHttp.get(APP.api("/runs?limit=500"), bearer(admin)))
                                .get("runs")
                                .size()
                        == 2);
        JsonNode runs = RawHttp.json(RawHttp.get(APP.api("/runs"), bearer(sales)));
        assertThat(ids(runs.get("runs"), "pipeline")).containsOnly("sales_daily");
        assertThat(ids(runs.get("runs"), "run_id")).containsExactly(salesRun);

        // routes about no single pipeline are closed to it
        assertThat(RawHttp.get(APP.api("/cluster"), bearer(sales)).statusCode()).isEqualTo(403);
        assertThat(RawHttp.get(APP.api("/executors"), bearer(sales)).statusCode())
                .isEqualTo(403);
        assertThat(RawHttp.get(APP.api("/webhooks/deliveries"), bearer(sales)).statusCode())
                .isEqualTo(403);
        assertThat(RawHttp.get(APP.api("/sources"), bearer(sales)).statusCode()).isEqualTo(403);
    }

    @Test
    void aRestrictedAdminCannotHandOutWiderTokens() {
        String salesAdmin = RawHttp.token(APP, "admin", "sales_*");
        assertThat(RawHttp.post(APP.api("/tokens"), "{\"name\": \"wider\", \"role\": \"admin\"}", bearer(salesAdmin))
                        .statusCode())
                .isEqualTo(403);
    }
}
