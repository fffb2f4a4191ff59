package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The email format end to end: config.yml's {@code ops} entry as an SMTP mail to GreenMail, which requires a login;
 * the password is the variable {@code email.passwordEnv} names (surefire sets KINDLING_TEST_WEBHOOK_SECRET). A failing
 * run's alerts arrive through the outbox as mails with their subject and the run's link.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class EmailAlertsTest {
    private static final String PASSWORD = "test-secret-not-for-production";

    /** Chosen up front: the daemon's config is made before the SMTP server starts. */
    private static final int PORT = DaemonProcess.freePort();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(new ServerSetup(PORT, "127.0.0.1", "smtp"))
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("kindling@example.com", "kindling", PASSWORD))
            .withPerMethodLifecycle(false);

    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/alerts")
            .withOverrides(
                    ConfigOverride.config("webhooks.ops.format", "email"),
                    ConfigOverride.config("webhooks.ops.email.host", "127.0.0.1"),
                    ConfigOverride.config("webhooks.ops.email.port", Integer.toString(PORT)),
                    ConfigOverride.config("webhooks.ops.email.starttls", "false"),
                    ConfigOverride.config("webhooks.ops.email.username", "kindling"),
                    ConfigOverride.config("webhooks.ops.email.passwordEnv", "KINDLING_TEST_WEBHOOK_SECRET"),
                    ConfigOverride.config("webhooks.ops.email.from", "kindling@example.com"),
                    ConfigOverride.config("webhooks.ops.email.to", "oncall@example.com"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    @Test
    void aFailedRunsAlertsArriveAsMailsWithSubjectAndLink() {
        Http http = new Http(APP);
        String runId = http.post("/pipelines/recovers/runs", Map.of(), 201)
                .get("run_id")
                .asText();

        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> SMTP.getReceivedMessages().length == 2);
        List<String> subjects = Arrays.stream(SMTP.getReceivedMessages())
                .map(EmailAlertsTest::subject)
                .toList();
        assertThat(subjects)
                .containsExactlyInAnyOrder(
                        "[Kindling] Run failed: pipeline recovers, run " + runId + ", task fragile",
                        "[Kindling] Task failed: pipeline recovers, run " + runId + ", task fragile");
        assertThat(GreenMailUtil.getBody(SMTP.getReceivedMessages()[0]))
                .contains("Open the run: http://localhost:8080/#/runs/" + runId);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode page = http.get("/webhooks/deliveries?pipeline=recovers&state=DELIVERED");
            return page.get("deliveries").size() == 2;
        });
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
