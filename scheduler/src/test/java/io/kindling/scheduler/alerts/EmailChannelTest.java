package io.kindling.scheduler.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.kindling.scheduler.config.EmailConfig;
import io.kindling.scheduler.config.WebhookConfig;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The email format against GreenMail, a real SMTP server in the test JVM that requires a login. */
class EmailChannelTest {
    private static final String PASSWORD = "smtp-pass-7c1f";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("kindling@example.com", "kindling", PASSWORD));

    private static WebhookConfig email(boolean starttls) {
        EmailConfig email = new EmailConfig();
        email.setHost("127.0.0.1");
        email.setPort(SMTP.getSmtp().getPort());
        email.setStarttls(starttls);
        email.setUsername("kindling");
        email.setPasswordEnv("SMTP_PASSWORD");
        email.setFrom("kindling@example.com");
        email.setTo(List.of("oncall@example.com", "lead@example.com"));
        WebhookConfig webhook = new WebhookConfig();
        webhook.setFormat(WebhookConfig.Format.email);
        webhook.setEmail(email);
        webhook.setTimeout(io.dropwizard.util.Duration.seconds(5));
        assertThat(webhook.problems()).isEmpty();
        return webhook;
    }

    @Test
    void aFailedRunArrivesAsAMailWithItsSubjectErrorAndLink() throws Exception {
        Channel channel = Events.channel(email(false), Map.of("SMTP_PASSWORD", PASSWORD));

        Outcome outcome = channel.send(Events.runFailed("people", "Table not found: \"people\""), Instant.now());

        assertThat(outcome.error()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 2);
        MimeMessage mail = SMTP.getReceivedMessagesForDomain("oncall@example.com")[0];
        assertThat(mail.getSubject()).isEqualTo("[Kindling] Run failed: pipeline people, run 01run, task adults");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("kindling@example.com");
        assertThat(mail.getHeader("X-Kindling-Event-Id")).containsExactly("01event-run_failed");
        assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        String text = GreenMailUtil.getBody(mail);
        assertThat(text)
                .contains("Open the run: " + Events.RUN_URL)
                .contains("Table not found: \"people\"")
                .contains("Task:     adults")
                .doesNotContain(PASSWORD);
    }

    @Test
    void aMissingPasswordVariableFailsTheAttemptNamingItAndSendsNothing() throws Exception {
        Channel channel = Events.channel(email(false), Map.of());

        Outcome outcome = channel.send(Events.runFailed("people", "boom"), Instant.now());

        assertThat(outcome.error()).hasValueSatisfying(e -> assertThat(e).contains("SMTP_PASSWORD is not set"));
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void aWrongPasswordIsAFailedAttempt() throws Exception {
        Channel channel = Events.channel(email(false), Map.of("SMTP_PASSWORD", "wrong"));

        Outcome outcome = channel.send(Events.runFailed("people", "boom"), Instant.now());

        assertThat(outcome.isDelivered()).isFalse();
        assertThat(outcome.error()).hasValueSatisfying(e -> assertThat(e).containsIgnoringCase("auth"));
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void starttlsIsRequiredNotTriedSoAServerWithoutItGetsNoPassword() throws Exception {
        Channel channel = Events.channel(email(true), Map.of("SMTP_PASSWORD", PASSWORD));

        Outcome outcome = channel.send(Events.runFailed("people", "boom"), Instant.now());

        assertThat(outcome.isDelivered()).isFalse();
        assertThat(outcome.error()).hasValueSatisfying(e -> assertThat(e).containsIgnoringCase("STARTTLS"));
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }
}
