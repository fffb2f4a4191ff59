package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * {@code continuous:} in config.yml: how {@code trigger: continuous} pipelines are kept going (docs/triggers.md).
 * After a failed run the next one waits {@code initialBackoff}, doubling with each failure in a row up to
 * {@code maxBackoff}; {@code checkInterval} is how often each daemon looks for continuous pipelines with no run
 * active (a run's end is acted on at once; the look covers resumes, new pipelines and other daemons' runs).
 */
public class ContinuousConfig {
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    private Duration initialBackoff = Duration.seconds(10);

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    private Duration maxBackoff = Duration.minutes(10);

    @NotNull
    @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
    private Duration checkInterval = Duration.seconds(5);

    @AssertTrue(message = "initialBackoff must not be longer than maxBackoff")
    public boolean isBackoffOrdered() {
        return initialBackoff == null
                || maxBackoff == null
                || initialBackoff.toMilliseconds() <= maxBackoff.toMilliseconds();
    }

    @JsonProperty
    public Duration getInitialBackoff() {
        return initialBackoff;
    }

    @JsonProperty
    public void setInitialBackoff(Duration initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    @JsonProperty
    public Duration getMaxBackoff() {
        return maxBackoff;
    }

    @JsonProperty
    public void setMaxBackoff(Duration maxBackoff) {
        this.maxBackoff = maxBackoff;
    }

    @JsonProperty
    public Duration getCheckInterval() {
        return checkInterval;
    }

    @JsonProperty
    public void setCheckInterval(Duration checkInterval) {
        this.checkInterval = checkInterval;
    }
}
