package io.kindling.scheduler.resources;

import static io.kindling.scheduler.resources.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /api/v1/webhooks/deliveries} served alone over an empty outbox: its parameters and errors. */
@ExtendWith(DropwizardExtensionsSupport.class)
class WebhookResourceTest {
    private static final ApiFixture API = new ApiFixture(Map.of("people.yml", ApiFixture.PEOPLE));
    private static final ResourceExtension RESOURCE =
            ApiFixture.serve(new WebhookResource(API.outbox, Clock.systemUTC(), API.audit));

    @AfterAll
    static void close() throws IOException {
        API.close();
    }

    private static Response get(String query, String caller) {
        var target = RESOURCE.target("/api/v1/webhooks/deliveries");
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            String[] kv = pair.split("=", 2);
            target = target.queryParam(kv[0], kv[1]);
        }
        return target.request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + caller)
                .get();
    }

    @Test
    void listsAPageWithTheSameParametersAsRuns() {
        for (String query : new String[] {"", "state=pending", "state=FAILED&limit=500", "state=&limit=&before="}) {
            Response page = get(query, "viewer");
            assertThat(page.getStatus()).as(query).isEqualTo(200);
            JsonNode body = page.readEntity(JsonNode.class);
            assertThat(body.get("deliveries")).as(query).isEmpty();
            assertThat(body.get("next").isNull()).as(query).isTrue();
        }
    }

    @Test
    void aBadParameterAnswers400() {
        assertThat(assertError(get("state=lost", "viewer"), 400))
                .isEqualTo("unknown state 'lost', expected one of [PENDING, DELIVERED, FAILED]");
        assertThat(assertError(get("limit=0", "viewer"), 400)).isEqualTo("limit must be between 1 and 500, got 0");
        assertThat(assertError(get("limit=ten", "viewer"), 400))
                .isEqualTo("limit must be an integer between 1 and 500, got 'ten'");
    }

    @Test
    void restrictedCallersAndUnknownDeliveries() {
        assertThat(assertError(get("", "restricted"), 403)).contains("restricted to pipelines 'other*'");
        Response retry = RESOURCE.target("/api/v1/webhooks/deliveries/nope/retry")
                .request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer operator")
                .post(Entity.json(Map.of()));
        assertThat(assertError(retry, 404)).isEqualTo("delivery 'nope' not found");
        Response viewerRetry = RESOURCE.target("/api/v1/webhooks/deliveries/nope/retry")
                .request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer viewer")
                .post(Entity.json(Map.of()));
        assertThat(viewerRetry.getStatus()).isEqualTo(403);
    }
}
