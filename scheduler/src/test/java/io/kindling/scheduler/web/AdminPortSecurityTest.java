package io.kindling.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.SocketHttp;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The admin port is for admins: its tasks, dumps and metrics need an admin's bearer token, a browser cannot be
 * made to post its forms, load balancers still see whether the daemon is healthy, and the profiler is off.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class AdminPortSecurityTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/web");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static final String ADMIN = "Authorization: Bearer " + KindlingApp.ADMIN_TOKEN;

    private static SocketHttp.Answer get(String path, String... headers) {
        StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.0\nHost: localhost");
        for (String h : headers) {
            head.append('\n').append(h);
        }
        return SocketHttp.send(EXTENSION.getAdminPort(), head.toString(), new byte[0]);
    }

    private static SocketHttp.Answer postForm(String path, String form, String... headers) {
        byte[] body = form.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.0\nHost: localhost\n"
                + "Content-Type: application/x-www-form-urlencoded\nContent-Length: " + body.length);
        for (String h : headers) {
            head.append('\n').append(h);
        }
        return SocketHttp.send(EXTENSION.getAdminPort(), head.toString(), body);
    }

    @Test
    void aFormPostWithoutATokenCannotSilenceTheLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();

        SocketHttp.Answer anonymous = postForm("/tasks/log-level", "logger=ROOT&level=OFF");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(anonymous.body()).contains("\"code\":401");
        assertThat(postForm("/tasks/log-level", "logger=ROOT&level=OFF", "Authorization: Bearer guessed")
                        .status())
                .isEqualTo(403);
        // a page on another site cannot borrow a token either: its origin is refused first
        assertThat(postForm("/tasks/log-level", "logger=ROOT&level=OFF", ADMIN, "Origin: https://evil.example")
                        .status())
                .isEqualTo(403);
        assertThat(postForm("/tasks/gc", "", "Sec-Fetch-Site: cross-site", ADMIN)
                        .status())
                .isEqualTo(403);

        assertThat(root.getLevel()).isEqualTo(before);
    }

    @Test
    void anAdminRunsTasks() {
        String logger = "io.kindling.test.admin-port";
        SocketHttp.Answer answer = postForm("/tasks/log-level", "logger=" + logger + "&level=DEBUG", ADMIN);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(((Logger) LoggerFactory.getLogger(logger)).getLevel()).isEqualTo(Level.DEBUG);
    }

    @Test
    void dumpsAndMetricsNeedAnAdmin() {
        for (String path : List.of("/threads", "/metrics", "/prometheus", "/", "/tasks/gc")) {
            assertThat(get(path).status()).as(path).isEqualTo(401);
            assertThat(get(path, "Authorization: Bearer not-the-token").status())
                    .as(path)
                    .isEqualTo(403);
        }
        for (String path : List.of("/threads", "/metrics", "/prometheus")) {
            assertThat(get(path, ADMIN).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void healthIsOpenButSaysOnlyTheStatus() {
        SocketHttp.Answer admin = get("/healthcheck", ADMIN);
        assertThat(admin.body()).contains("database").contains("executor-local");

        for (int i = 0; i < 3; i++) { // each time: a status-only answer once broke the ones after it
            SocketHttp.Answer anonymous = get("/healthcheck");
            assertThat(anonymous.status()).isEqualTo(admin.status());
            assertThat(anonymous.body()).isEqualTo("{\"code\":" + admin.status() + "}");
        }
        assertThat(get("/ping").status()).isEqualTo(200);
    }

    @Test
    void theProfilerIsOffUnlessConfigured() {
        assertThat(get("/pprof", ADMIN).status()).isEqualTo(404);
        assertThat(get("/pprof?duration=1", ADMIN).status()).isEqualTo(404);
        assertThat(get("/pprof").status()).isEqualTo(404);
    }
}
