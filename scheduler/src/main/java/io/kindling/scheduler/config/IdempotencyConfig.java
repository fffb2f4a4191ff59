package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * {@code idempotency:} in config.yml: how long an {@code Idempotency-Key} (inbound events, for now) holds what its
 * first request made. Within it the same key never makes a second run, across restarts and daemons; after it the
 * key is forgotten (expired keys are deleted every hour) and makes a new run.
 */
public class IdempotencyConfig {
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    private Duration retention = Duration.days(7);

    @JsonProperty
    public Duration getRetention() {
        return retention;
    }

    @JsonProperty
    public void setRetention(Duration retention) {
        this.retention = retention;
    }
}
