package io.kindling.scheduler.triggers;

import static io.kindling.scheduler.support.RawHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.auth.EventSignature;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.RawHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /api/v1/pipelines/{id}/events} on the real daemon over HTTP: signed and token events make runs
 * (trigger {@code event}) with the body's fields as params; an Idempotency-Key makes one run however often it is
 * sent; every refused request is a JSON 401/403/400 and makes no run.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class EventTriggerTest {
    static final String SECRET = "s3cret-of-the-orders-hook";
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/events")
            .withOverrides(ConfigOverride.config("secrets.file", secretsFile().toString()));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    private static String operator;
    private static String viewer;

    /** ORDERS_HOOK in a secrets file only its owner reads. */
    static Path secretsFile() {
        try {
            Path file = Files.createTempFile(
                    "kindling-secrets-",
                    ".properties",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, "ORDERS_HOOK=" + SECRET + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void tokens() {
        operator = RawHttp.token(APP, "operator", null);
        viewer = RawHttp.token(APP, "viewer", null);
    }

    static String[] signed(String secret, long unixSeconds, String body, String... more) {
        List<String> headers = new ArrayList<>(List.of(
                EventSignature.HEADER,
                EventSignature.header(secret, unixSeconds, body.getBytes(StandardCharsets.UTF_8))));
        headers.addAll(List.of(more));
        return headers.toArray(String[]::new);
    }

    private static HttpResponse<String> event(String pipeline, String body, String... headers) {
        return RawHttp.post(APP.api("/pipelines/" + pipeline + "/events"), body, headers);
    }

    private static List<String> runIds(String pipeline) {
        List<String> ids = new ArrayList<>();
        RawHttp.json(RawHttp.get(
                        APP.api("/runs?pipeline=" + pipeline + "&trigger=event&limit=500"),
                        bearer(KindlingApp.ADMIN_TOKEN)))
                .get("runs")
                .forEach(r -> ids.add(r.get("run_id").asText()));
        return ids;
    }

    @Test
    void aSignedEventMakesARunWithTheBodysFieldsAsParams() {
        long now = Instant.now().getEpochSecond();
        String body = "{\"order_id\": 42}";

        HttpResponse<String> first = event("orders", body, signed(SECRET, now, body));

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).contains("false");
        JsonNode run = RawHttp.json(first);
        assertThat(run.get("trigger").asText()).isEqualTo("event");
        assertThat(run.get("params").get("order_id").asText()).isEqualTo("42");
        assertThat(run.get("params").get("region").asText()).isEqualTo("eu");
        String event = run.get("event").asText();
        assertThat(event).startsWith("event-");
        // the run's own view says what fired it
        JsonNode view = RawHttp.json(
                RawHttp.get(APP.api("/runs/" + run.get("run_id").asText()), bearer(KindlingApp.ADMIN_TOKEN)));
        assertThat(view.get("event").asText()).isEqualTo(event);
        assertThat(view.get("trigger").asText()).isEqualTo("event");

        // without an Idempotency-Key each request is an event of its own: the same one again makes another run
        HttpResponse<String> again = event("orders", body, signed(SECRET, now, body));
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(RawHttp.json(again).get("run_id").asText())
                .isNotEqualTo(run.get("run_id").asText());
        assertThat(runIds("orders"))
                .contains(
                        run.get("run_id").asText(),
                        RawHttp.json(again).get("run_id").asText());
    }

    @Test
    void anIdempotencyKeyMakesOneRunAndItsRepeatAnswersThatRun() {
        String key = "order-7-" + UUID.randomUUID();
        String body = "{\"order_id\": 7, \"region\": \"us\"}";

        HttpResponse<String> first =
                event("orders", body, "Idempotency-Key", key, "Authorization", "Bearer " + operator);
        HttpResponse<String> signedRepeat =
                event("orders", body, signed(SECRET, Instant.now().getEpochSecond(), body, "Idempotency-Key", key));
        HttpResponse<String> tokenRepeat =
                event("orders", body, "Idempotency-Key", key, "Authorization", "Bearer " + operator);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        String runId = RawHttp.json(first).get("run_id").asText();
        assertThat(RawHttp.json(first).get("event").asText()).isEqualTo(key);
        for (HttpResponse<String> repeat : List.of(signedRepeat, tokenRepeat)) {
            assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(200);
            assertThat(repeat.headers().firstValue("Idempotent-Replayed")).contains("true");
            assertThat(RawHttp.json(repeat).get("run_id").asText()).isEqualTo(runId);
            assertThat(RawHttp.json(repeat).get("event").asText()).isEqualTo(key);
        }
        assertThat(runIds("orders").stream().filter(runId::equals)).hasSize(1);
        // a key belongs to its pipeline: the same key on another pipeline is another event
        HttpResponse<String> elsewhere =
                event("unsigned", "{}", "Idempotency-Key", key, "Authorization", "Bearer " + operator);
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(201);
        assertThat(RawHttp.json(elsewhere).get("run_id").asText()).isNotEqualTo(runId);
    }

    @Test
    void aManualTriggerWithAnIdempotencyKeyMakesOneRunAndItsRepeatAnswersThatRun() {
        String key = "nightly-rerun-" + UUID.randomUUID();
        String body = "{\"params\": {\"order_id\": \"8\"}}";
        String runs = APP.api("/pipelines/orders/runs");

        HttpResponse<String> first =
                RawHttp.post(runs, body, "Idempotency-Key", key, "Authorization", "Bearer " + operator);
        HttpResponse<String> repeat =
                RawHttp.post(runs, body, "Idempotency-Key", key, "Authorization", "Bearer " + operator);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        String runId = RawHttp.json(first).get("run_id").asText();
        assertThat(RawHttp.json(first).get("trigger").asText()).isEqualTo("manual");
        assertThat(repeat.statusCode()).as(repeat.body()).isEqualTo(200);
        assertThat(repeat.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(RawHttp.json(repeat).get("run_id").asText()).isEqualTo(runId);
        // manual runs and events keep their keys apart: the same key as an event is another request
        HttpResponse<String> asEvent =
                event("orders", "{\"order_id\": 8}", "Idempotency-Key", key, "Authorization", "Bearer " + operator);
        assertThat(asEvent.statusCode()).as(asEvent.body()).isEqualTo(201);
        assertThat(RawHttp.json(asEvent).get("run_id").asText()).isNotEqualTo(runId);
        // a key that is no header value is a 400 and makes no run
        HttpResponse<String> bad =
                RawHttp.post(runs, body, "Idempotency-Key", "two words", "Authorization", "Bearer " + operator);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("Idempotency-Key must be 1 to 200 visible ASCII characters");
    }

    @Test
    void unsignedBadlySignedStaleAndUnauthenticatedRequestsAreRefusedAndMakeNoRun() {
        List<String> before = runIds("orders");
        List<String> unsignedBefore = runIds("unsigned");
        long now = Instant.now().getEpochSecond();
        String body = "{\"order_id\": 1}";

        List<HttpResponse<String>> refused = List.of(
                event("orders", body), // nothing
                event("orders", body, signed("another secret", now, body)), // wrong secret
                event("orders", body, signed(SECRET, now, "{\"order_id\": 2}")), // another body
                event("orders", body, signed(SECRET, now - 600, body)), // ten minutes old
                event("orders", body, signed(SECRET, now + 600, body)), // from the future
                event("orders", body, EventSignature.HEADER, "v1=abc"), // malformed
                event("orders", body, "Authorization", "Bearer kdl_not-a-token-this-daemon-ever-made"),
                event("unsigned", "{}", signed(SECRET, now, "{}")), // takes no signed events
                event("missing", "{}", signed(SECRET, now, "{}"))); // no such pipeline: says no more
        for (HttpResponse<String> response : refused) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
            assertThat(RawHttp.json(response).get("code").asInt()).isEqualTo(401);
            assertThat(response.body()).doesNotContain("Exception", SECRET);
        }
        assertThat(RawHttp.json(refused.get(3)).get("message").asText()).contains("more than 5 minutes");
        HttpResponse<String> byViewer = event("orders", body, "Authorization", "Bearer " + viewer);
        assertThat(byViewer.statusCode()).isEqualTo(403);
        assertThat(RawHttp.json(byViewer).get("code").asInt()).isEqualTo(403);
        // a token limited to other pipelines learns nothing of this one
        String other = RawHttp.token(APP, "operator", "unsigned");
        assertThat(event("orders", body, "Authorization", "Bearer " + other).statusCode())
                .isEqualTo(404);

        assertThat(runIds("orders")).containsExactlyInAnyOrderElementsOf(before);
        assertThat(runIds("unsigned")).containsExactlyInAnyOrderElementsOf(unsignedBefore);
    }

    @Test
    void fieldsThatAreNoParamsOrOfTheWrongTypeAreA400NamingThem() {
        List<String> before = runIds("orders");
        long now = Instant.now().getEpochSecond();

        for (String[] bad : new String[][] {
            {"{\"order_id\": 1, \"colour\": \"red\"}", "unknown param 'colour'"},
            {"{\"order_id\": \"forty-two\"}", "order_id"},
            {"{\"order_id\": 1.5}", "order_id"},
            {"{\"region\": \"us\"}", "param 'order_id'"},
            {"[1, 2]", "JSON object"},
            {"{\"order_id\": ", "not JSON"},
        }) {
            HttpResponse<String> response = event("orders", bad[0], signed(SECRET, now, bad[0]));
            assertThat(response.statusCode()).as(bad[0] + " " + response.body()).isEqualTo(400);
            assertThat(RawHttp.json(response).get("message").asText())
                    .as(bad[0])
                    .contains(bad[1]);
            assertThat(response.body()).doesNotContain("Exception", "\tat ");
        }
        HttpResponse<String> badKey = event(
                "orders",
                "{\"order_id\": 1}",
                "Idempotency-Key",
                "x".repeat(201),
                "Authorization",
                "Bearer " + operator);
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(RawHttp.json(badKey).get("message").asText()).contains("Idempotency-Key");

        assertThat(runIds("orders")).containsExactlyInAnyOrderElementsOf(before);
    }
}
