package io.kindling.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.SocketHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request cannot make the daemon store or send back more than a small multiple of what it cost: bodies are
 * capped (also after gzip inflation), JSON strings too, and lists show params cut short.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RequestLimitsTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/web");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    private static String triggerBody(int noteChars) {
        return "{\"params\":{\"note\":\"" + "a".repeat(noteChars) + "\"}}";
    }

    private static SocketHttp.Answer post(String path, byte[] body, String... headers) {
        StringBuilder head = new StringBuilder("POST /api/v1" + path + " HTTP/1.0\nHost: localhost\n"
                + "Content-Type: application/json\nContent-Length: " + body.length);
        for (String h : headers) {
            head.append('\n').append(h);
        }
        return SocketHttp.send(EXTENSION.getLocalPort(), head.toString(), body);
    }

    private int noteRuns() {
        return http.get("/runs?pipeline=note&limit=500").get("runs").size();
    }

    @Test
    void aBodyOverOneMebibyteGets413() {
        int before = noteRuns();
        SocketHttp.Answer answer =
                post("/pipelines/note/runs", triggerBody(2 * 1024 * 1024).getBytes(StandardCharsets.UTF_8));
        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body()).contains("\"code\":413").contains("web.maxRequestSize");
        assertThat(noteRuns()).isEqualTo(before);
    }

    @Test
    void aSmallGzipBodyThatInflatesPastTheLimitGets413() throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(triggerBody(15 * 1024 * 1024).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(zipped.size()).isLessThan(20 * 1024);
        int before = noteRuns();

        SocketHttp.Answer answer = post("/pipelines/note/runs", zipped.toByteArray(), "Content-Encoding: gzip");

        assertThat(answer.status()).as(answer.body()).isEqualTo(413);
        assertThat(answer.body()).contains("\"code\":413");
        assertThat(noteRuns()).isEqualTo(before);
    }

    @Test
    void aJsonStringOver64KibGets400() {
        int before = noteRuns();
        SocketHttp.Answer answer = post(
                "/pipelines/note/runs",
                triggerBody(65 * 1024).getBytes(StandardCharsets.UTF_8),
                KindlingApp.ADMIN_AUTHORIZATION);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("\"code\":400");
        assertThat(noteRuns()).isEqualTo(before);
    }

    @Test
    void listsCutParamsShortAndARunKeepsThemWhole() {
        String note = "n".repeat(4096);
        String last = null;
        for (int i = 0; i < 50; i++) {
            last = http.post("/pipelines/note/runs", Map.of("params", Map.of("note", note)), 201)
                    .get("run_id")
                    .asText();
        }

        String list =
                EXTENSION.client().target(APP.api("/runs?limit=500")).request().get(String.class);
        assertThat(list.length()).isLessThan(100_000); // 50 whole params alone would be 204,800
        JsonNode rows = http.get("/runs?pipeline=note&limit=500").get("runs");
        assertThat(rows.size()).isGreaterThanOrEqualTo(50);
        for (JsonNode row : rows) {
            String shown = row.get("params").get("note").asText();
            if (shown.startsWith("n")) {
                assertThat(shown).hasSize(257).endsWith("\u2026");
            }
        }
        JsonNode pipelines = http.get("/pipelines").get("pipelines");
        for (JsonNode p : pipelines) {
            if (p.get("id").asText().equals("note")) {
                assertThat(p.get("last_run").get("params").get("note").asText()).hasSize(257);
            }
        }

        assertThat(http.get("/runs/" + last).get("params").get("note").asText()).isEqualTo(note);
    }
}
