package io.kindling.scheduler.resources;

import static io.kindling.scheduler.resources.ApiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.kindling.scheduler.alerts.Channels;
import io.kindling.scheduler.config.WebhookConfig;
import io.kindling.scheduler.support.WebhookReceiver;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /api/v1/webhooks} served alone over an empty outbox: the deliveries' parameters and errors, and test sends
 * to a real receiver.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class WebhookResourceTest {
    private static final ApiFixture API = new ApiFixture(Map.of("people.yml", ApiFixture.PEOPLE));
    private static final WebhookReceiver RECEIVER = new WebhookReceiver().start();
    private static final ResourceExtension RESOURCE = ApiFixture.serve(new WebhookResource(
            API.outbox,
            Channels.of(webhooks(), Map.<String, String>of()::get),
            "http://kindling.example.com/",
            Clock.systemUTC(),
            API.audit));

    @AfterAll
    static void close() throws IOException {
        RECEIVER.close();
        API.close();
    }

    private static Map<String, WebhookConfig> webhooks() {
        WebhookConfig hook = new WebhookConfig();
        hook.setUrl(RECEIVER.url("/hook"));
        WebhookConfig pager = new WebhookConfig();
        pager.setUrl(RECEIVER.url("/pager"));
        pager.setFormat(WebhookConfig.Format.pagerduty);
        pager.setRoutingKeyEnv("UNSET_ROUTING_KEY");
        WebhookConfig off = new WebhookConfig();
        Map<String, WebhookConfig> out = new LinkedHashMap<>();
        out.put("hook", hook);
        out.put("pager", pager);
        out.put("off", off);
        return out;
    }

    private static Response test(String webhook, String caller) {
        return RESOURCE.target("/api/v1/webhooks/" + webhook + "/test")
                .request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + caller)
                .post(Entity.json(Map.of()));
    }

    @Test
    void aTestSendsASampleOfTheFormatToTheReceiverAndSaysItWasDelivered() throws Exception {
        Response answer = test("hook", "operator");

        assertThat(answer.getStatus()).isEqualTo(200);
        JsonNode result = answer.readEntity(JsonNode.class);
        assertThat(result.get("webhook").asText()).isEqualTo("hook");
        assertThat(result.get("format").asText()).isEqualTo("json");
        assertThat(result.get("delivered").asBoolean()).isTrue();
        assertThat(result.get("status_code").asInt()).isEqualTo(200);
        assertThat(result.get("error").isNull()).isTrue();
        List<WebhookReceiver.Received> got = RECEIVER.received().stream()
                .filter(r -> r.path().equals("/hook"))
                .toList();
        assertThat(got).hasSize(1);
        JsonNode event = new ObjectMapper().readTree(got.get(0).body());
        assertThat(event.get("test").asBoolean()).isTrue();
        assertThat(event.get("webhook").asText()).isEqualTo("hook");
        assertThat(event.get("type").asText()).isEqualTo("run_failed");
        assertThat(event.get("id").asText()).isEqualTo(result.get("event_id").asText());
        assertThat(event.get("run_url").asText()).isEqualTo("http://kindling.example.com/#/alerts");
    }

    @Test
    void aFailedTestSendIsAResultWithTheErrorAndNothingIsSent() {
        Response answer = test("pager", "admin");

        assertThat(answer.getStatus()).isEqualTo(200);
        JsonNode result = answer.readEntity(JsonNode.class);
        assertThat(result.get("format").asText()).isEqualTo("pagerduty");
        assertThat(result.get("delivered").asBoolean()).isFalse();
        assertThat(result.get("error").asText()).contains("UNSET_ROUTING_KEY is not set");
        assertThat(RECEIVER.received()).noneMatch(r -> r.path().equals("/pager"));
    }

    @Test
    void unknownAndOffWebhooksAndViewersGetJsonErrors() {
        assertThat(assertError(test("nope", "operator"), 404))
                .isEqualTo("webhook 'nope' is not configured (known: hook, pager, off)");
        assertThat(assertError(test("off", "operator"), 409)).isEqualTo("webhook 'off' is off: its url is empty");
        assertThat(test("hook", "viewer").getStatus()).isEqualTo(403);
        assertThat(assertError(test("hook", "restricted"), 403)).contains("restricted to pipelines 'other*'");
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
    void theWebhooksAreListedWithFormatAndStateButNoUrl() {
        Response answer = RESOURCE.target("/api/v1/webhooks")
                .request()
                .header(HttpHeaders.AUTHORIZATION, "Bearer viewer")
                .get();
        assertThat(answer.getStatus()).isEqualTo(200);
        String text = answer.readEntity(String.class);
        assertThat(text)
                .isEqualTo("{\"webhooks\":[{\"name\":\"hook\",\"format\":\"json\",\"enabled\":true},"
                        + "{\"name\":\"pager\",\"format\":\"pagerduty\",\"enabled\":true},"
                        + "{\"name\":\"off\",\"format\":\"json\",\"enabled\":false}]}")
                .doesNotContain("127.0.0.1");
    }

    @Test
    void aPipelinesDeliveriesAreListedForCallersRestrictedToIt() {
        Response own = get("pipeline=other-report", "restricted");
        assertThat(own.getStatus()).isEqualTo(200);
        assertThat(own.readEntity(JsonNode.class).get("deliveries")).isEmpty();
        assertThat(assertError(get("pipeline=people", "restricted"), 404)).isEqualTo("pipeline 'people' not found");
        assertThat(get("pipeline=people&state=FAILED", "viewer").getStatus()).isEqualTo(200);
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
