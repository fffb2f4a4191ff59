package io.kindling.scheduler.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.SocketHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * DNS rebinding: a page on attacker.example whose name now resolves to 127.0.0.1 reaches the daemon as the same
 * origin, but its requests say {@code Host: attacker.example}. Both ports answer only their known names.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class HostHeaderTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/web")
            .withOverrides(
                    ConfigOverride.config("alerting.dashboardUrl", "https://kindling.example.com/"),
                    ConfigOverride.config("web.allowedHosts", "scheduler.internal"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    private static int api() {
        return EXTENSION.getLocalPort();
    }

    @Test
    void aForeignHostGets421OnTheApiPort() {
        for (String host : new String[] {
            "attacker.example:" + api(), "attacker.example", "127.0.0.2:" + api(), "localhost.attacker.example"
        }) {
            SocketHttp.Answer answer = SocketHttp.get(api(), "/api/v1/pipelines", host);
            assertThat(answer.status()).as(host).isEqualTo(421);
            assertThat(answer.header("Content-Type")).startsWith("application/json");
            assertThat(answer.body()).contains("\"code\":421").contains("web.allowedHosts");
        }
        // the dashboard and its scripts too
        assertThat(SocketHttp.get(api(), "/", "attacker.example").status()).isEqualTo(421);
        assertThat(SocketHttp.get(api(), "/ui/app.js", "attacker.example").status())
                .isEqualTo(421);
    }

    @Test
    void knownHostsAreServed() {
        for (String host : new String[] {
            "127.0.0.1:" + api(),
            "localhost:" + api(),
            "localhost",
            "LOCALHOST",
            "[::1]:" + api(),
            "kindling.example.com",
            "scheduler.internal:" + api()
        }) {
            assertThat(SocketHttp.get(api(), "/api/v1/pipelines", host, KindlingApp.ADMIN_AUTHORIZATION)
                            .status())
                    .as(host)
                    .isEqualTo(200);
        }
    }

    @Test
    void theAdminPortChecksTheHostBeforeAnythingElse() {
        int admin = EXTENSION.getAdminPort();
        SocketHttp.Answer foreign = SocketHttp.get(admin, "/ping", "attacker.example:" + admin);
        assertThat(foreign.status()).isEqualTo(421);
        assertThat(foreign.body()).contains("\"code\":421");
        assertThat(SocketHttp.get(admin, "/ping", "127.0.0.1:" + admin).status())
                .isEqualTo(200);
    }
}
