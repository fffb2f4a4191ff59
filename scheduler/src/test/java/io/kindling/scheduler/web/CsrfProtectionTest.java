package io.kindling.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.SocketHttp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every POST route refuses what another site's page can make a browser send: no JSON body (a form, a body-less
 * fetch), a foreign Origin, Sec-Fetch-Site cross-site or same-site. The daemon's own page and API clients
 * (JSON, no Origin) still get through.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class CsrfProtectionTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/web")
            .withOverrides(
                    // deliveries to a port nobody listens on give up at once, so one can be retried
                    ConfigOverride.config("webhooks.ops.url", "http://127.0.0.1:9/hook"),
                    ConfigOverride.config("alerting.retryFor", "1s"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static final Http HTTP = new Http(APP);

    private static String cancelRun;
    private static String repairRun;
    private static String delivery;

    /** A POST route, its JSON body, and the status it answers a same-origin request with. */
    record Route(String name, Supplier<String> path, String body, int ok) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Route> routes() {
        return Stream.of(
                new Route("trigger", () -> "/api/v1/pipelines/note/runs", "{\"params\":{}}", 201),
                new Route("pause", () -> "/api/v1/pipelines/daily/pause", "{}", 200),
                new Route("resume", () -> "/api/v1/pipelines/daily/resume", "{}", 200),
                new Route(
                        "backfill",
                        () -> "/api/v1/pipelines/daily/backfill",
                        "{\"from\":\"2026-01-01\",\"to\":\"2026-01-02\"}",
                        201),
                new Route("cancel", () -> "/api/v1/runs/" + cancelRun + "/cancel", "{}", 200),
                new Route("repair", () -> "/api/v1/runs/" + repairRun + "/repair", "{}", 202),
                new Route("sources/sync", () -> "/api/v1/sources/sync", "{}", 200),
                new Route("deliveries/retry", () -> "/api/v1/webhooks/deliveries/" + delivery + "/retry", "{}", 202));
    }

    @BeforeAll
    static void runsAndADelivery() {
        cancelRun =
                HTTP.post("/pipelines/note/runs", Map.of(), 201).get("run_id").asText();
        repairRun = HTTP.post("/pipelines/fails_fast/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        HTTP.get("/runs/" + repairRun).get("state").asText().equals("FAILED"));
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    for (JsonNode d : HTTP.get("/webhooks/deliveries").get("deliveries")) {
                        if (!d.get("state").asText().equals("PENDING")) {
                            delivery = d.get("delivery_id").asText();
                            return true;
                        }
                    }
                    return false;
                });
    }

    private static SocketHttp.Answer post(Route route, List<String> headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST " + route.path().get() + " HTTP/1.0\nHost: localhost:"
                + EXTENSION.getLocalPort() + "\nContent-Length: " + bytes.length);
        headers.forEach(h -> head.append('\n').append(h));
        return SocketHttp.send(EXTENSION.getLocalPort(), head.toString(), bytes);
    }

    private static void assertRefused(SocketHttp.Answer answer, int status, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.body()).contains("\"code\":" + status).contains(message);
    }

    @ParameterizedTest
    @MethodSource("routes")
    void noBodyAndNoContentTypeIsRefused(Route route) {
        assertRefused(post(route, List.of(), ""), 415, "application/json");
    }

    @ParameterizedTest
    @MethodSource("routes")
    void aFormPostIsRefused(Route route) {
        assertRefused(
                post(route, List.of("Content-Type: application/x-www-form-urlencoded"), "a=b"),
                415,
                "application/json");
        assertRefused(post(route, List.of("Content-Type: text/plain"), route.body()), 415, "application/json");
    }

    @ParameterizedTest
    @MethodSource("routes")
    void aForeignOriginIsRefusedEvenWithJson(Route route) {
        assertRefused(
                post(route, List.of("Content-Type: application/json", "Origin: https://evil.example"), route.body()),
                403,
                "evil.example");
        assertRefused(
                post(route, List.of("Content-Type: application/json", "Origin: null"), route.body()), 403, "origin");
        // same host, another port: another origin
        assertRefused(
                post(route, List.of("Content-Type: application/json", "Origin: http://localhost:1"), route.body()),
                403,
                "origin");
    }

    @ParameterizedTest
    @MethodSource("routes")
    void crossSiteAndSameSiteFetchesAreRefused(Route route) {
        assertRefused(
                post(route, List.of("Content-Type: application/json", "Sec-Fetch-Site: cross-site"), route.body()),
                403,
                "cross-site");
        assertRefused(
                post(route, List.of("Content-Type: application/json", "Sec-Fetch-Site: same-site"), route.body()),
                403,
                "cross-site");
    }

    @ParameterizedTest
    @MethodSource("routes")
    void theDaemonsOwnPageGetsThrough(Route route) {
        SocketHttp.Answer answer = post(
                route,
                List.of(
                        "Content-Type: application/json; charset=utf-8",
                        "Origin: http://localhost:" + EXTENSION.getLocalPort(),
                        "Sec-Fetch-Site: same-origin",
                        "Authorization: Bearer " + KindlingApp.ADMIN_TOKEN),
                route.body());
        assertThat(answer.status()).as(answer.body()).isEqualTo(route.ok());
    }
}
