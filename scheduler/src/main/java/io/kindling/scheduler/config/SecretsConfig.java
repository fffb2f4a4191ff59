package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * {@code secrets:} in config.yml: where {@code {{ secrets.NAME }}} values come from. First the properties file
 * {@code file} (optional; must be mode 0600 or 0400), then the environment variable {@code <envPrefix>NAME}.
 * The prefix keeps the daemon's other environment (such as the database password) out of pipelines' reach;
 * an empty prefix gives pipelines the whole environment and must be chosen on purpose.
 */
public class SecretsConfig {
    public static final String DEFAULT_ENV_PREFIX = "KINDLING_SECRET_";

    private String file;

    @NotNull
    @Pattern(regexp = "[A-Za-z0-9_]*", message = "must be letters, digits and _ (an environment variable prefix)")
    private String envPrefix = DEFAULT_ENV_PREFIX;

    @JsonProperty
    public String getFile() {
        return file;
    }

    @JsonProperty
    public void setFile(String file) {
        this.file = file == null || file.isBlank() ? null : file;
    }

    @JsonProperty
    public String getEnvPrefix() {
        return envPrefix;
    }

    @JsonProperty
    public void setEnvPrefix(String envPrefix) {
        this.envPrefix = envPrefix;
    }
}
