package io.kindling.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.SocketHttp;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every answer of the API port, errors included, tells browsers not to frame, sniff or leak it. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SecurityHeadersTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/web");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    private static void assertHeaders(String path, int status) {
        SocketHttp.Answer answer =
                SocketHttp.get(EXTENSION.getLocalPort(), path, "localhost", KindlingApp.ADMIN_AUTHORIZATION);
        assertThat(answer.status()).as(path).isEqualTo(status);
        assertThat(answer.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
        assertThat(answer.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
        assertThat(answer.header("X-Frame-Options")).as(path).isEqualTo("DENY");
        assertThat(answer.header("Content-Security-Policy"))
                .as(path)
                .isEqualTo("default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'none';"
                        + " base-uri 'none'");
    }

    @Test
    void theDashboardItsScriptsAndTheApiCarryThem() {
        assertHeaders("/", 200);
        assertHeaders("/ui/app.js", 200);
        assertHeaders("/ui/vendor/chart.umd.min.js", 200);
        assertHeaders("/api/v1/pipelines", 200);
    }

    @Test
    void errorsCarryThem() {
        assertHeaders("/api/v1/runs/no-such-run", 404);
        assertHeaders("/no/such/page", 404);
        assertHeaders("/api/v1/runs?limit=0", 400);
    }

    @Test
    void theLogEndpointCarriesThem() {
        String runId =
                http.post("/pipelines/note/runs", Map.of(), 201).get("run_id").asText();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> http.get("/runs/" + runId).get("state").asText().equals("SUCCEEDED"));
        assertHeaders("/api/v1/runs/" + runId + "/tasks/done/log", 200);
    }
}
