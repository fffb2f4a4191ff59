package io.kindling.scheduler.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import jakarta.ws.rs.core.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dashboard's files come from the jar on the API's port, next to an API that still answers at /api/v1. */
@ExtendWith(DropwizardExtensionsSupport.class)
class DashboardResourceTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/dashboard");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    /** A response read to the end (so its connection goes back to the pool): status, type and body. */
    private record Answer(int status, String type, String body) {}

    private Answer get(String path) {
        try (Response response = EXTENSION
                .client()
                .target("http://localhost:" + EXTENSION.getLocalPort() + path)
                .request()
                .get()) {
            return new Answer(
                    response.getStatus(), String.valueOf(response.getMediaType()), response.readEntity(String.class));
        }
    }

    private static JsonNode json(Answer answer) throws Exception {
        return new ObjectMapper().readTree(answer.body());
    }

    @Test
    void rootServesThePageAndEveryModuleItImportsIsServed() {
        Answer index = get("/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.type()).startsWith("text/html");
        String html = index.body();
        assertThat(html).contains("<script type=\"module\" src=\"/ui/app.js\">");
        // no CDN: every script and stylesheet the page names is on this server
        assertThat(html).doesNotContain("http://", "https://");

        Answer app = get("/ui/app.js");
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.type()).startsWith("text/javascript");
        String source = app.body();
        Matcher imports = Pattern.compile("from '\\./([^']+)'").matcher(source);
        int count = 0;
        while (imports.find()) {
            count++;
            assertThat(get("/ui/" + imports.group(1)).status())
                    .as(imports.group(1))
                    .isEqualTo(200);
        }
        assertThat(count).isGreaterThanOrEqualTo(4);
        assertThat(get("/ui/style.css").type()).startsWith("text/css");
        // the charting library, vendored from npm by the build
        Answer chart = get("/ui/vendor/chart.umd.min.js");
        assertThat(chart.status()).isEqualTo(200);
        assertThat(chart.body()).contains("Chart");
    }

    @Test
    void unknownOrEscapingPathsAreJsonNotFound() throws Exception {
        for (String path :
                new String[] {"/ui/nope.js", "/ui/pages/nope.js", "/ui/.hidden.js", "/ui/app.class", "/ui/app"}) {
            Answer response = get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            JsonNode body = json(response);
            assertThat(body.get("code").asInt()).isEqualTo(404);
            assertThat(body.get("message").asText()).isNotEmpty();
        }
        // Jetty itself refuses an encoded slash; either way nothing outside dashboard/ is read
        Answer escape = get("/ui/..%2F..%2Fconfig.yml");
        assertThat(escape.status()).isIn(400, 404);
        assertThat(escape.body()).doesNotContain("database", "Exception");
    }

    @Test
    void apiStillAnswersBesideTheDashboard() throws Exception {
        JsonNode pipelines = json(get("/api/v1/pipelines"));
        JsonNode nightly = null;
        for (JsonNode p : pipelines.get("pipelines")) {
            if (p.get("id").asText().equals("nightly")) {
                nightly = p;
            }
        }
        assertThat(nightly).as("nightly is listed").isNotNull();
        assertThat(nightly.get("recent_runs")).isEmpty(); // never ran: [], not null
    }
}
