package io.kindling.scheduler.auth;

import static io.kindling.scheduler.support.RawHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.executor.AttemptRequest;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.RawHttp;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every route of the running daemon, from Jersey's resource model: each needs a token unless it is in
 * {@link PublicRoutes}, and answers by the role its {@code @RolesAllowed} names. A new resource method without a
 * role annotation fails {@link #everyRouteNamesItsRoleAndOnlyPublicRoutesAreOpen}.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ApiAuthenticationTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/auth")
            .withOverrides(
                    // a receiver that refuses connections, given up after 1 s: a delivery to retry
                    ConfigOverride.config("webhooks.ops.url", "http://127.0.0.1:9/refused"),
                    ConfigOverride.config("alerting.retryFor", "1s"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static final Pattern TEMPLATE = Pattern.compile("\\{(\\w+)(?::[^}]*)?}");

    /** A route: method, path template, and the Java method behind it. */
    record Route(String method, String path, Method java, Class<?> type) {
        String key() {
            return method + " " + path;
        }

        Optional<String> role() {
            RolesAllowed roles = Optional.ofNullable(java.getAnnotation(RolesAllowed.class))
                    .orElse(type.getAnnotation(RolesAllowed.class));
            return roles == null ? Optional.empty() : Optional.of(String.join(",", roles.value()));
        }

        boolean permitAll() {
            return java.isAnnotationPresent(PermitAll.class) || type.isAnnotationPresent(PermitAll.class);
        }
    }

    /** What each public route answers without credentials (an empty sign-in is a failed one). */
    private static final Map<String, Integer> PUBLIC = Map.of(
            "GET /",
            200,
            "GET /ui/{path: .+}",
            200,
            "GET /login",
            200,
            "POST /api/v1/login",
            401,
            "POST /api/v1/logout",
            204,
            "POST /api/v1/pipelines/{id}/events", // neither a token nor a signature: EventTriggerTest
            401);

    private static final Map<String, String> IDS = new java.util.HashMap<>();
    private static String viewer;
    private static String operator;

    @BeforeAll
    static void fixtures() throws IOException {
        viewer = RawHttp.token(APP, "viewer", null);
        operator = RawHttp.token(APP, "operator", null);
        String admin = KindlingApp.ADMIN_TOKEN;
        IDS.put("pipeline", "sales_daily");
        IDS.put(
                "hash",
                RawHttp.json(RawHttp.get(APP.api("/pipelines/sales_daily/versions"), bearer(admin)))
                        .get("versions")
                        .get(0)
                        .get("content_hash")
                        .asText());
        String run = RawHttp.json(RawHttp.post(APP.api("/pipelines/sales_daily/runs"), "{}", bearer(admin)))
                .get("run_id")
                .asText();
        IDS.put("runId", run);
        IDS.put("taskId", "one");
        IDS.put("name", "ops"); // a webhook: its test send is refused by the receiver, a 200 result
        await().atMost(Duration.ofSeconds(60))
                .until(() -> RawHttp.json(RawHttp.get(APP.api("/runs/" + run), bearer(admin)))
                        .get("state")
                        .asText()
                        .equals("SUCCEEDED"));
        // the notebook route serves a notebook task's executed copy: task one runs SQL, so one is put next to its log
        java.nio.file.Path log = java.nio.file.Path.of(
                        EXTENSION.getConfiguration().getLogDir())
                .resolve("sales_daily")
                .resolve(run)
                .resolve("one.1.log");
        assertThat(log).exists();
        Files.writeString(AttemptRequest.notebookFile(log), "{\"nbformat\": 4, \"cells\": []}");
        IDS.put(
                "backfill",
                RawHttp.json(RawHttp.post(
                                APP.api("/pipelines/sales_daily/backfill"),
                                "{\"from\": \"2026-06-01\", \"to\": \"2026-06-01\"}",
                                bearer(admin)))
                        .get("backfill_id")
                        .asText());
        RawHttp.post(APP.api("/pipelines/sales_fails/runs"), "{}", bearer(admin));
        IDS.put(
                "delivery",
                await().atMost(Duration.ofSeconds(60))
                        .until(
                                () -> {
                                    JsonNode page = RawHttp.json(
                                            RawHttp.get(APP.api("/webhooks/deliveries?state=FAILED"), bearer(admin)));
                                    return page.get("deliveries").isEmpty()
                                            ? null
                                            : page.get("deliveries")
                                                    .get(0)
                                                    .get("delivery_id")
                                                    .asText();
                                },
                                id -> id != null));
        IDS.put(
                "token",
                RawHttp.json(RawHttp.post(
                                APP.api("/tokens"),
                                "{\"name\": \"to revoke\", \"role\": " + "\"viewer\"}",
                                bearer(admin)))
                        .get("id")
                        .asText());
    }

    static List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        // Dropwizard registers resource instances by their classes (and binds the instances)
        for (Class<?> component :
                EXTENSION.getEnvironment().jersey().getResourceConfig().getClasses()) {
            if (component.isAnnotationPresent(Path.class)) {
                collect(Resource.from(component), "", routes);
            }
        }
        assertThat(routes).as("routes found in the resource model").hasSizeGreaterThan(20);
        return routes;
    }

    private static void collect(Resource resource, String parent, List<Route> out) {
        String path = join(parent, resource.getPath());
        for (ResourceMethod m : resource.getResourceMethods()) {
            out.add(new Route(
                    m.getHttpMethod(),
                    path,
                    m.getInvocable().getDefinitionMethod(),
                    m.getInvocable().getHandler().getHandlerClass()));
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, out);
        }
    }

    private static String join(String parent, String path) {
        String joined = (parent + "/" + (path == null ? "" : path)).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** The route's URL with this test's ids for its path parameters. */
    private static String url(Route route) {
        Matcher m = TEMPLATE.matcher(route.path());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = switch (name) {
                case "id" ->
                    route.path().startsWith("/api/v1/pipelines")
                            ? IDS.get("pipeline")
                            : route.path().startsWith("/api/v1/backfills")
                                    ? IDS.get("backfill")
                                    : route.path().startsWith("/api/v1/webhooks")
                                            ? IDS.get("delivery")
                                            : route.path().startsWith("/api/v1/tokens") ? IDS.get("token") : "x";
                case "path" -> "app.js";
                default -> IDS.getOrDefault(name, "x");
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return "http://localhost:" + EXTENSION.getLocalPort() + out;
    }

    private static HttpResponse<String> call(Route route, String token) {
        String[] headers = token == null ? new String[0] : bearer(token);
        return route.method().equals("GET")
                ? RawHttp.get(url(route), headers)
                : RawHttp.post(url(route), "{}", headers);
    }

    @Test
    void everyRouteNamesItsRoleAndOnlyPublicRoutesAreOpen() {
        List<Route> routes = routes();
        assertThat(routes)
                .extracting(Route::key)
                .contains(
                        "GET /api/v1/pipelines",
                        "GET /api/v1/pipelines/{id}/grid",
                        "POST /api/v1/runs/{runId}/cancel",
                        "POST /api/v1/tokens",
                        "GET /api/v1/audit",
                        "POST /api/v1/webhooks/{name}/test");
        for (Route route : routes) {
            if (PublicRoutes.ROUTES.contains(route.key())) {
                assertThat(route.permitAll())
                        .as(route.key() + " is public: @PermitAll")
                        .isTrue();
                assertThat(route.role())
                        .as(route.key() + " is public: no @RolesAllowed")
                        .isEmpty();
            } else {
                assertThat(route.permitAll())
                        .as(route.key() + " is @PermitAll but not in PublicRoutes")
                        .isFalse();
                assertThat(route.role())
                        .as(route.key() + " needs @RolesAllowed (or a place in PublicRoutes)")
                        .isPresent();
                assertThat(route.role().get()).as(route.key()).isIn("viewer", "operator", "admin");
            }
        }
        assertThat(routes).extracting(Route::key).containsAll(PublicRoutes.ROUTES);
    }

    @Test
    void withoutATokenEveryNonPublicRouteAnswersJson401() {
        for (Route route : routes()) {
            if (PublicRoutes.ROUTES.contains(route.key())) {
                assertThat(call(route, null).statusCode()).as(route.key()).isEqualTo(PUBLIC.get(route.key()));
                continue;
            }
            HttpResponse<String> response = call(route, null);
            assertThat(response.statusCode()).as(route.key()).isEqualTo(401);
            assertThat(RawHttp.json(response).get("code").asInt())
                    .as(route.key())
                    .isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .as(route.key())
                    .contains("Bearer realm=\"kindling\"");
            assertThat(call(route, "kdl_not-a-token-this-daemon-ever-made").statusCode())
                    .as(route.key())
                    .isEqualTo(401);
        }
    }

    @Test
    void aViewerReadsEverythingButAdminDataAndChangesNothing() {
        for (Route route : routes()) {
            if (PublicRoutes.ROUTES.contains(route.key())) {
                continue;
            }
            HttpResponse<String> response = call(route, viewer);
            if (!route.role().orElseThrow().equals("viewer")) {
                assertThat(response.statusCode()).as(route.key()).isEqualTo(403);
                assertThat(RawHttp.json(response).get("code").asInt()).isEqualTo(403);
            } else {
                assertThat(route.method())
                        .as(route.key() + ": only GETs are for viewers")
                        .isEqualTo("GET");
                assertThat(response.statusCode())
                        .as(route.key() + " " + response.body())
                        .isEqualTo(200);
            }
            if (route.method().equals("POST")) {
                assertThat(response.statusCode()).as(route.key()).isEqualTo(403);
            }
        }
    }

    @Test
    void anOperatorActsButCannotAdminister() {
        for (Route route : routes()) {
            if (PublicRoutes.ROUTES.contains(route.key())) {
                continue;
            }
            HttpResponse<String> response = call(route, operator);
            if (route.role().orElseThrow().equals("admin")) {
                assertThat(response.statusCode()).as(route.key()).isEqualTo(403);
            } else {
                assertThat(response.statusCode())
                        .as(route.key() + " " + response.body())
                        .isNotIn(401, 403, 404);
            }
        }
    }

    @Test
    void anAdminMayCallEveryRoute() {
        for (Route route : routes()) {
            if (!route.key().equals("POST /api/v1/login")) {
                assertThat(call(route, KindlingApp.ADMIN_TOKEN).statusCode())
                        .as(route.key())
                        .isNotIn(401, 403, 404);
            }
        }
    }
}
