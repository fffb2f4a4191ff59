package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

/** {@code auth:} in config.yml. Authentication is always on; see docs/auth.md. */
public class AuthConfig {
    /** Where the first start writes the admin token (mode 0600), relative to the working directory. */
    @NotEmpty
    private String adminTokenFile = "data/admin-token";

    /**
     * An admin token chosen outside, for automation (CI, containers): stored hashed like any other token, at every
     * start, so the first start prints no token. Empty (the default) for none; env KINDLING_BOOTSTRAP_TOKEN is used
     * when this is empty.
     */
    @NotNull
    private String bootstrapToken = "";

    /** A dashboard session ends after this long without a request. */
    @NotNull
    private Duration sessionIdleTimeout = Duration.hours(12);

    /**
     * Mark the session cookie {@code Secure} even when the request came over plain http: set it when TLS ends at a
     * proxy in front of the daemon. Over https the cookie is always Secure.
     */
    private boolean secureCookies = false;

    @JsonProperty
    public String getAdminTokenFile() {
        return adminTokenFile;
    }

    @JsonProperty
    public void setAdminTokenFile(String adminTokenFile) {
        this.adminTokenFile = adminTokenFile;
    }

    @JsonProperty
    public String getBootstrapToken() {
        return bootstrapToken;
    }

    @JsonProperty
    public void setBootstrapToken(String bootstrapToken) {
        this.bootstrapToken = bootstrapToken == null ? "" : bootstrapToken;
    }

    @JsonProperty
    public Duration getSessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    @JsonProperty
    public void setSessionIdleTimeout(Duration sessionIdleTimeout) {
        this.sessionIdleTimeout = sessionIdleTimeout;
    }

    @JsonProperty
    public boolean isSecureCookies() {
        return secureCookies;
    }

    @JsonProperty
    public void setSecureCookies(boolean secureCookies) {
        this.secureCookies = secureCookies;
    }
}
