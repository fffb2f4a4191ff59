package io.kindling.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.alerts.Channels;
import io.kindling.scheduler.alerts.Outcome;
import io.kindling.scheduler.alerts.SampleEvent;
import io.kindling.scheduler.support.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code webhooks:} entry that its format cannot use fails config.yml's validation, as the daemon and
 * {@code validate --config} read it, with a line naming the entry and the field.
 */
class WebhookConfigTest {
    @TempDir
    Path dir;

    private KindlingConfiguration load(String webhooks) throws Exception {
        Path file = dir.resolve("config.yml");
        Files.writeString(file, "webhooks:\n" + webhooks.indent(2));
        return new YamlConfigurationFactory<>(
                        KindlingConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(new FileConfigurationSourceProvider(), file.toString());
    }

    private String problem(String webhooks) {
        return assertThatThrownBy(() -> load(webhooks))
                .isInstanceOf(ConfigurationException.class)
                .actual()
                .getMessage();
    }

    @Test
    void everyFormatWithWhatItNeedsLoads() throws Exception {
        KindlingConfiguration config = load("""
                chat: {url: "https://chat.example.com/hook", format: slack}
                channel: {url: "https://example.webhook.office.com/workflows/1", format: teams}
                pager: {url: "https://events.pagerduty.com/v2/enqueue", format: pagerduty, routingKeyEnv: PD_KEY}
                custom: {url: "https://example.com/in", format: template, template: '{"t": "{{pipeline}}"}'}
                mail:
                  format: email
                  email: {host: smtp.example.com, port: 587, username: kindling, passwordEnv: SMTP_PASSWORD,
                          from: kindling@example.com, to: [oncall@example.com]}
                """);
        assertThat(config.getWebhooks()).containsOnlyKeys("chat", "channel", "pager", "custom", "mail");
        assertThat(config.getWebhooks().get("mail").enabled()).isTrue();
        assertThat(config.getWebhooks().get("mail").getEmail().isStarttls()).isTrue();
        // the shipped ops entry without its variables: off, and no error
        assertThat(load("ops: {url: '', format: pagerduty, routingKeyEnv: KINDLING_WEBHOOK_ROUTING_KEY}")
                        .getWebhooks()
                        .get("ops")
                        .enabled())
                .isFalse();
    }

    @Test
    void theShippedOpsEntryStartsAsPagerDutyWithoutItsKeyVariableAndFailsOnlyTheSend() throws Exception {
        String shipped = Files.readString(TestDirs.repositoryRoot().resolve("config.yml"));
        assertThat(shipped).contains("routingKeyEnv: KINDLING_WEBHOOK_ROUTING_KEY");
        // what KINDLING_WEBHOOK_FORMAT=pagerduty and KINDLING_WEBHOOK_URL=... would make of it
        Path file = dir.resolve("shipped.yml");
        Files.writeString(
                file,
                shipped.replace("${KINDLING_WEBHOOK_FORMAT:-json}", "pagerduty")
                        .replace("${KINDLING_WEBHOOK_URL:-}", "https://events.pagerduty.com/v2/enqueue"));
        KindlingConfiguration config = new YamlConfigurationFactory<>(
                        KindlingConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
                .build(
                        new SubstitutingSourceProvider(
                                new FileConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)),
                        file.toString());
        WebhookConfig ops = config.getWebhooks().get("ops");
        assertThat(ops.getFormat()).isEqualTo(WebhookConfig.Format.pagerduty);
        assertThat(ops.getRoutingKeyEnv()).isEqualTo("KINDLING_WEBHOOK_ROUTING_KEY");

        Outcome sent = Channels.of(config.getWebhooks(), Map.<String, String>of()::get)
                .get("ops")
                .orElseThrow()
                .send(SampleEvent.of("ops", "http://localhost:8080", Clock.systemUTC()), Instant.now());
        assertThat(sent.error())
                .hasValueSatisfying(e -> assertThat(e).contains("KINDLING_WEBHOOK_ROUTING_KEY is not set"));
    }

    @Test
    void anUnknownFormatNamesTheEntryAndTheFormats() {
        assertThat(problem("ops: {url: 'https://example.com', format: sms}"))
                .contains("webhooks[ops].format is not a format: 'sms' (known: json, slack, teams, pagerduty, "
                        + "template, email)");
    }

    @Test
    void anEmailEntryWithoutHostOrAddressesNamesEachField() {
        assertThat(problem("mail: {format: email, email: {from: 'not an address'}}"))
                .contains("webhooks[mail].email.host is required for format email")
                .contains("webhooks[mail].email.from is not a mail address: 'not an address'")
                .contains("webhooks[mail].email.to needs at least one address");
        assertThat(problem("mail: {format: email}")).contains("webhooks[mail].email.host is required");
        assertThat(problem("""
                        mail: {format: email, url: "https://example.com",
                               email: {host: h, from: a@example.com, to: [b@example.com], passwordEnv: P}}
                        """))
                .contains("webhooks[mail].url is not used by format email")
                .contains("webhooks[mail].email.username is required when email.passwordEnv is set");
    }

    @Test
    void aPagerDutyEntryNeedsTheNameOfItsKeyVariable() {
        assertThat(problem("pager: {url: 'https://events.pagerduty.com/v2/enqueue', format: pagerduty}"))
                .contains("webhooks[pager].routingKeyEnv is required for format pagerduty");
    }

    @Test
    void aTemplateThatDoesNotCompileOrIsMissingIsRefused() {
        assertThat(problem("custom: {url: 'https://example.com', format: template, template: '{{#runs}} open'}"))
                .contains("webhooks[custom].template is not a valid Mustache template");
        assertThat(problem("custom: {url: 'https://example.com', format: template}"))
                .contains("webhooks[custom].template is required for format template");
    }
}
