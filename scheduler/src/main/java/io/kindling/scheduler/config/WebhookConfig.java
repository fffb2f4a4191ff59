package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One entry of {@code webhooks:} in config.yml; the map key is the name pipelines alert. Webhook URLs come only
 * from here, never from pipeline files or the API. An empty URL turns the webhook off: pipelines may still name it,
 * and nothing is sent.
 */
public class WebhookConfig {
    /** What a webhook receives. */
    public enum Format {
        json,
        slack
    }

    private String url = "";

    @NotNull
    private Format format = Format.json;
    /** The NAME of the environment variable holding the HMAC secret, never the secret; empty: unsigned. */
    private String secretEnv = "";

    @NotNull
    private Duration timeout = Duration.seconds(10);

    private Map<String, String> headers = new LinkedHashMap<>();

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
        return !url.isEmpty();
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

    @JsonProperty
    public Format getFormat() {
        return format;
    }

    @JsonProperty
    public void setFormat(Format format) {
        this.format = format;
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
}
