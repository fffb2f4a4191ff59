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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sign-in link, the session cookie, password sign-in, sign-out, and tokens that stop working. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SignInTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/auth");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    private static String base() {
        return "http://localhost:" + EXTENSION.getLocalPort();
    }

    private static HttpResponse<String> link(String token, String next) {
        return RawHttp.get(base() + "/login?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)
                + (next == null ? "" : "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    }

    /** {@code kindling_session=<id>} from a Set-Cookie header, for the Cookie header of later requests. */
    private static String cookie(HttpResponse<String> response) {
        String set = response.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    private static String location(HttpResponse<String> response) {
        URI uri = URI.create(response.headers().firstValue("Location").orElseThrow());
        assertThat(uri.getHost()).as("a redirect stays on this server").isIn(null, "localhost");
        return uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
    }

    @Test
    void theSignInLinkSetsAStrictHttpOnlyCookieAndMovesTheTokenOutOfTheAddressBar() {
        String token = RawHttp.token(APP, "viewer", null);
        HttpResponse<String> response = link(token, "/#/runs?state=FAILED");

        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(location(response)).isEqualTo("/#/runs?state=FAILED");
        assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith("kindling_session=")
                .contains("; HttpOnly", "; SameSite=Strict", "; Path=/")
                .doesNotContain("Secure")
                .doesNotContain(token);

        HttpResponse<String> me = RawHttp.get(APP.api("/whoami"), "Cookie", cookie(response));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(RawHttp.json(me).get("role").asText()).isEqualTo("viewer");
        // the cookie carries the viewer's role, no more
        assertThat(RawHttp.post(APP.api("/pipelines/sales_daily/pause"), "{}", "Cookie", cookie(response))
                        .statusCode())
                .isEqualTo(403);
    }

    @Test
    void theLinkOnlyRedirectsToLocalPaths() {
        for (String next : new String[] {
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "https:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/ok path"
        }) {
            HttpResponse<String> response = link(KindlingApp.ADMIN_TOKEN, next);
            assertThat(response.statusCode()).as(next).isEqualTo(303);
            assertThat(location(response)).as(next).isEqualTo("/");
        }
        assertThat(location(link(KindlingApp.ADMIN_TOKEN, null))).isEqualTo("/");
        assertThat(location(link(KindlingApp.ADMIN_TOKEN, "/#/pipelines/sales_daily")))
                .isEqualTo("/#/pipelines/sales_daily");
    }

    @Test
    void aWrongLinkOpensNoSession() {
        HttpResponse<String> response = link("kdl_no-such-token-was-ever-made-here", "/");
        assertThat(response.statusCode()).isEqualTo(303);
        assertThat(location(response)).isEqualTo("/login?failed=1");
        assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        // without a token, /login is the dashboard's page (which shows the sign-in form)
        HttpResponse<String> page = RawHttp.get(base() + "/login");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/ui/app.js");
    }

    @Test
    void signingOutEndsTheSession() {
        HttpResponse<String> signedIn =
                RawHttp.post(APP.api("/login"), "{\"token\": \"" + KindlingApp.ADMIN_TOKEN + "\"}");
        assertThat(signedIn.statusCode()).isEqualTo(200);
        String cookie = cookie(signedIn);
        assertThat(RawHttp.get(APP.api("/pipelines"), "Cookie", cookie).statusCode())
                .isEqualTo(200);

        HttpResponse<String> out = RawHttp.post(APP.api("/logout"), "{}", "Cookie", cookie);
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
        assertThat(RawHttp.get(APP.api("/pipelines"), "Cookie", cookie).statusCode())
                .isEqualTo(401);
    }

    @Test
    void aRevokedTokenAndItsSessionsStopWorkingAtOnce() {
        String token = RawHttp.token(APP, "operator", null);
        String cookie = cookie(link(token, "/"));
        assertThat(RawHttp.get(APP.api("/pipelines"), bearer(token)).statusCode())
                .isEqualTo(200);
        String id = RawHttp.json(RawHttp.get(APP.api("/whoami"), bearer(token)))
                .get("id")
                .asText();

        HttpResponse<String> revoked =
                RawHttp.post(APP.api("/tokens/" + id + "/revoke"), "{}", bearer(KindlingApp.ADMIN_TOKEN));
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(RawHttp.json(revoked).get("revoked_at").asText()).isNotEmpty();

        assertThat(RawHttp.get(APP.api("/pipelines"), bearer(token)).statusCode())
                .isEqualTo(401);
        assertThat(RawHttp.get(APP.api("/pipelines"), "Cookie", cookie).statusCode())
                .isEqualTo(401);
        assertThat(link(token, "/").headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void anExpiredTokenIsRefused() {
        HttpResponse<String> created = RawHttp.post(
                APP.api("/tokens"),
                "{\"name\": \"short-lived\", \"role\": \"viewer\", \"expires_in\": \"2s\"}",
                bearer(KindlingApp.ADMIN_TOKEN));
        assertThat(created.statusCode()).isEqualTo(201);
        String token = RawHttp.json(created).get("token").asText();
        assertThat(RawHttp.json(created).get("expires_at").asText()).isNotEmpty();
        assertThat(RawHttp.get(APP.api("/pipelines"), bearer(token)).statusCode())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> RawHttp.get(APP.api("/pipelines"), bearer(token)).statusCode() == 401);
        assertThat(RawHttp.get(APP.api("/pipelines"), bearer(token)).statusCode())
                .isEqualTo(401);
    }

    @Test
    void tokensAreShownOnceAndListedWithoutSecrets() {
        HttpResponse<String> created = RawHttp.post(
                APP.api("/tokens"),
                "{\"name\": \"ci\", \"role\": \"operator\", \"pipelines\": \"sales_*\", \"expires_in\": \"30d\"}",
                bearer(KindlingApp.ADMIN_TOKEN));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode token = RawHttp.json(created);
        String secret = token.get("token").asText();
        assertThat(secret).matches("kdl_[A-Za-z0-9_-]{43}");
        assertThat(token.get("role").asText()).isEqualTo("operator");
        assertThat(token.get("pipelines").asText()).isEqualTo("sales_*");
        assertThat(token.get("created_by").asText()).startsWith("token:bootstrap");

        HttpResponse<String> list = RawHttp.get(APP.api("/tokens"), bearer(KindlingApp.ADMIN_TOKEN));
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body())
                .doesNotContain(secret)
                .doesNotContain(Secrets.hash(secret))
                .doesNotContain("\"token\"")
                .contains("\"name\":\"ci\"");

        for (String bad : new String[] {
            "{\"name\": \"x\", \"role\": \"root\"}",
            "{\"role\": \"viewer\"}",
            "{\"name\": \"x\", \"role\": \"viewer\", \"expires_in\": \"soon\"}",
            "{\"name\": \"x\", \"role\": \"viewer\", \"pipelines\": \"Sales; DROP\"}"
        }) {
            HttpResponse<String> refused = RawHttp.post(APP.api("/tokens"), bad, bearer(KindlingApp.ADMIN_TOKEN));
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(RawHttp.json(refused).get("code").asInt()).isEqualTo(400);
        }
    }

    @Test
    void aUserSignsInWithUsernameAndPassword() {
        HttpResponse<String> created = RawHttp.post(
                APP.api("/users"),
                "{\"username\": \"alice\", \"password\": \"correct horse battery\", \"role\": \"operator\"}",
                bearer(KindlingApp.ADMIN_TOKEN));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("correct horse").doesNotContain("password");
        assertThat(RawHttp.post(
                                APP.api("/users"),
                                "{\"username\": \"bob\", \"password\": \"short\", " + "\"role\": \"viewer\"}",
                                bearer(KindlingApp.ADMIN_TOKEN))
                        .statusCode())
                .isEqualTo(400);
        assertThat(RawHttp.post(
                                APP.api("/users"),
                                "{\"username\": \"alice\", \"password\": \"another long one\", "
                                        + "\"role\": \"viewer\"}",
                                bearer(KindlingApp.ADMIN_TOKEN))
                        .statusCode())
                .isEqualTo(409);

        HttpResponse<String> wrong =
                RawHttp.post(APP.api("/login"), "{\"username\": \"alice\", \"password\": \"wrong horse battery\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(RawHttp.post(APP.api("/login"), "{\"username\": \"nobody\", \"password\": \"whatever it is\"}")
                        .statusCode())
                .isEqualTo(401);

        HttpResponse<String> signedIn =
                RawHttp.post(APP.api("/login"), "{\"username\": \"alice\", \"password\": \"correct horse battery\"}");
        assertThat(signedIn.statusCode()).isEqualTo(200);
        assertThat(RawHttp.json(signedIn).get("name").asText()).isEqualTo("alice");
        String cookie = cookie(signedIn);
        assertThat(RawHttp.json(RawHttp.get(APP.api("/whoami"), "Cookie", cookie))
                        .get("role")
                        .asText())
                .isEqualTo("operator");
        assertThat(RawHttp.post(APP.api("/pipelines/sales_daily/runs"), "{}", "Cookie", cookie)
                        .statusCode())
                .isEqualTo(201);
        assertThat(RawHttp.get(APP.api("/tokens"), "Cookie", cookie).statusCode())
                .isEqualTo(403);

        JsonNode users = RawHttp.json(RawHttp.get(APP.api("/users"), bearer(KindlingApp.ADMIN_TOKEN)));
        assertThat(users.get("users").get(0).get("username").asText()).isEqualTo("alice");
    }

    @Test
    void theCookieIsSecureOverHttpsOrWhenConfigured() {
        assertThat(SessionCookies.open("abc", Duration.ofHours(12), true))
                .endsWith("; Secure")
                .contains("Max-Age=43200");
        assertThat(SessionCookies.sessionId("a=b; kindling_session=xyz; c=d")).contains("xyz");
        assertThat(SessionCookies.sessionId("kindling_session=")).isEmpty();
    }
}
