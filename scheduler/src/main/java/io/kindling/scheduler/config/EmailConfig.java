package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code email:} of a {@code webhooks:} entry whose format is {@code email}: the SMTP server and the addresses. The
 * password is read from the variable {@code passwordEnv} names when a mail is sent, so it is never in config.yml, the
 * outbox or the API. {@link WebhookConfig} checks the fields, naming the entry.
 */
public class EmailConfig {
    private String host = "";
    private int port = 587;
    /** Upgrade to TLS before anything else is said, and refuse a server that cannot (no plaintext fallback). */
    private boolean starttls = true;

    private String username = "";
    private String passwordEnv = "";
    private String from = "";
    private List<String> to = new ArrayList<>();

    @JsonProperty
    public String getHost() {
        return host;
    }

    @JsonProperty
    public void setHost(String host) {
        this.host = host == null ? "" : host.trim();
    }

    @JsonProperty
    public int getPort() {
        return port;
    }

    @JsonProperty
    public void setPort(int port) {
        this.port = port;
    }

    @JsonProperty
    public boolean isStarttls() {
        return starttls;
    }

    @JsonProperty
    public void setStarttls(boolean starttls) {
        this.starttls = starttls;
    }

    @JsonProperty
    public String getUsername() {
        return username;
    }

    @JsonProperty
    public void setUsername(String username) {
        this.username = username == null ? "" : username.trim();
    }

    @JsonProperty
    public String getPasswordEnv() {
        return passwordEnv;
    }

    @JsonProperty
    public void setPasswordEnv(String passwordEnv) {
        this.passwordEnv = passwordEnv == null ? "" : passwordEnv.trim();
    }

    @JsonProperty
    public String getFrom() {
        return from;
    }

    @JsonProperty
    public void setFrom(String from) {
        this.from = from == null ? "" : from.trim();
    }

    @JsonProperty
    public List<String> getTo() {
        return to;
    }

    /** A list, or one address alone ({@code to: oncall@example.com}). */
    @JsonProperty
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    public void setTo(List<String> to) {
        this.to = to == null ? new ArrayList<>() : to;
    }
}
