package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.MustacheException;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code webhooks:} in config.yml; the map key is the name pipelines alert. Webhook URLs come only
 * from here, never from pipeline files or the API. An empty URL turns the webhook off: pipelines may still name it,
 * and nothing is sent (an {@code email} entry has no URL: it is on). The secrets a format needs (HMAC secret, PagerDuty
 * routing key, SMTP password) are named by variable here and read when a delivery is sent, so they are never stored.
 * {@link #problems()} says what is wrong with an entry, field by field; config validation reports each one.
 */
@ValidWebhook
public class WebhookConfig {
    /** What a webhook receives (docs/alerts.md has a sample of each). */
    public enum Format {
        /** Kindling's event schema. */
        json,
        /** A Slack incoming-webhook message. */
        slack,
        /** An Adaptive Card for a Microsoft Teams workflow webhook. */
        teams,
        /** PagerDuty Events API v2: trigger, and resolve when the pipeline recovers. */
        pagerduty,
        /** A Mustache body of the entry's own. */
        template,
        /** A mail over SMTP. */
        email
    }

    /** A field of this entry and what is wrong with it. */
    public record Problem(String field, String message) {}

    private String url = "";

    /** Kept as written, so that an unknown one is reported with the known ones rather than as a type error. */
    private String format = Format.json.name();
    /** The NAME of the environment variable holding the HMAC secret, never the secret; empty: unsigned. */
    private String secretEnv = "";

    @NotNull
    private Duration timeout = Duration.seconds(10);

    private Map<String, String> headers = new LinkedHashMap<>();
    /** pagerduty: the NAME of the variable holding the integration (routing) key, never the key. */
    private String routingKeyEnv = "";
    /** template: the Mustache body. */
    private String template = "";
    /** template: the body's Content-Type; a JSON type escapes {{values}} as JSON string content. */
    private String contentType = "application/json";

    @Valid
    private EmailConfig email;

    @JsonProperty
    public String getUrl() {
        return url;
    }

    @JsonProperty
    public void setUrl(String url) {
        this.url = url == null ? "" : url.trim();
    }

    @JsonIgnore
    public boolean enabled() {
        return getFormat() == Format.email || !url.isEmpty();
    }

    /** What is wrong with this entry beyond the URL's syntax, per field; empty when it can be used. */
    @JsonIgnore
    public List<Problem> problems() {
        List<Problem> out = new ArrayList<>();
        Format known = getFormat();
        if (known == null) {
            out.add(new Problem(
                    "format",
                    "is not a format: '" + format + "' (known: "
                            + String.join(
                                    ", ",
                                    Arrays.stream(Format.values())
                                            .map(Format::name)
                                            .toList()) + ")"));
            return out;
        }
        switch (known) {
            case pagerduty -> {
                if (routingKeyEnv.isEmpty()) {
                    out.add(new Problem(
                            "routingKeyEnv",
                            "is required for format pagerduty: the name of the environment variable holding the "
                                    + "integration key"));
                }
            }
            case template -> templateProblems(out);
            case email -> emailProblems(out);
            default -> {}
        }
        return out;
    }

    private void templateProblems(List<Problem> out) {
        if (template.isBlank()) {
            out.add(new Problem("template", "is required for format template: a Mustache body"));
            return;
        }
        try {
            new DefaultMustacheFactory().compile(new StringReader(template), "template");
        } catch (MustacheException e) {
            out.add(new Problem("template", "is not a valid Mustache template: " + e.getMessage()));
        }
        if (contentType.isBlank()) {
            out.add(new Problem("contentType", "must not be empty"));
        }
    }

    private void emailProblems(List<Problem> out) {
        if (!url.isEmpty()) {
            out.add(new Problem("url", "is not used by format email (the server is email.host)"));
        }
        if (email == null) {
            out.add(new Problem("email.host", "is required for format email (and email.from, email.to)"));
            return;
        }
        if (email.getHost().isEmpty()) {
            out.add(new Problem("email.host", "is required for format email: the SMTP server"));
        }
        if (email.getPort() < 1 || email.getPort() > 65535) {
            out.add(new Problem("email.port", "must be between 1 and 65535, got " + email.getPort()));
        }
        if (!email.getPasswordEnv().isEmpty() && email.getUsername().isEmpty()) {
            out.add(new Problem("email.username", "is required when email.passwordEnv is set"));
        }
        addressProblem(out, "email.from", email.getFrom());
        if (email.getTo().isEmpty()) {
            out.add(new Problem("email.to", "needs at least one address"));
        }
        for (int i = 0; i < email.getTo().size(); i++) {
            addressProblem(out, "email.to[" + i + "]", email.getTo().get(i));
        }
    }

    private static void addressProblem(List<Problem> out, String field, String address) {
        if (address == null || address.isBlank()) {
            out.add(new Problem(field, "is required for format email: an address"));
            return;
        }
        try {
            new InternetAddress(address, true).validate();
        } catch (AddressException e) {
            out.add(new Problem(field, "is not a mail address: '" + address + "' (" + e.getMessage() + ")"));
        }
    }

    @ValidationMethod(message = "webhook url must be an absolute http or https URL (or empty, which turns it off)")
    @JsonIgnore
    public boolean isUrlValid() {
        if (url.isEmpty()) {
            return true;
        }
        try {
            URI uri = URI.create(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The format, or null when config.yml names none that exists (validation refuses that). */
    @JsonIgnore
    public Format getFormat() {
        for (Format known : Format.values()) {
            if (known.name().equals(format)) {
                return known;
            }
        }
        return null;
    }

    @JsonIgnore
    public void setFormat(Format format) {
        this.format = format.name();
    }

    @JsonProperty("format")
    public String getFormatName() {
        return format;
    }

    @JsonProperty("format")
    public void setFormatName(String format) {
        this.format = format == null ? "" : format.trim();
    }

    @JsonProperty
    public String getSecretEnv() {
        return secretEnv;
    }

    @JsonProperty
    public void setSecretEnv(String secretEnv) {
        this.secretEnv = secretEnv == null ? "" : secretEnv;
    }

    @JsonProperty
    public Duration getTimeout() {
        return timeout;
    }

    @JsonProperty
    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    @JsonProperty
    public Map<String, String> getHeaders() {
        return headers;
    }

    @JsonProperty
    public void setHeaders(Map<String, String> headers) {
        this.headers = headers == null ? new LinkedHashMap<>() : headers;
    }

    @JsonProperty
    public String getRoutingKeyEnv() {
        return routingKeyEnv;
    }

    @JsonProperty
    public void setRoutingKeyEnv(String routingKeyEnv) {
        this.routingKeyEnv = routingKeyEnv == null ? "" : routingKeyEnv.trim();
    }

    @JsonProperty
    public String getTemplate() {
        return template;
    }

    @JsonProperty
    public void setTemplate(String template) {
        this.template = template == null ? "" : template;
    }

    @JsonProperty
    public String getContentType() {
        return contentType;
    }

    @JsonProperty
    public void setContentType(String contentType) {
        this.contentType = contentType == null ? "" : contentType.trim();
    }

    @JsonProperty
    public EmailConfig getEmail() {
        return email;
    }

    @JsonProperty
    public void setEmail(EmailConfig email) {
        this.email = email;
    }
}
