package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code alerting:} in config.yml: how the outbox delivers alert events. A delivery is retried with exponential
 * backoff (from {@code initialBackoff}, doubling up to {@code maxBackoff}, with jitter) until {@code retryFor} has
 * passed since it was written; it is then given up (state FAILED) and can be retried through the API.
 */
public class AlertingConfig {
    @NotNull
    private Duration retryFor = Duration.hours(24);

    @NotNull
    private Duration initialBackoff = Duration.seconds(5);

    @NotNull
    private Duration maxBackoff = Duration.minutes(10);
    /** How often the worker looks for due deliveries. */
    @NotNull
    private Duration pollInterval = Duration.seconds(1);
    /** The dashboard's address, for the links in alerts. */
    @NotEmpty
    private String dashboardUrl = "http://localhost:8080";
    /** What pipelines without {@code alerts:} alert: webhook names per event group, as in a pipeline file. */
    @NotNull
    private List<String> onFailure = new ArrayList<>();

    @NotNull
    private List<String> onSuccess = new ArrayList<>();

    @NotNull
    private List<String> onRetry = new ArrayList<>();
    /** How often each daemon checks deadlines and learned baselines against the run history. */
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration checkInterval = Duration.seconds(30);
    /** How far back a check (after downtime) still raises deadlines it finds missed. */
    @NotNull
    private Duration deadlineLookback = Duration.hours(24);
    /** A baseline is the p95 of at most this many newest successful runs... */
    @Min(1)
    private int baselineRuns = 50;
    /** ...created within this long before now. */
    @NotNull
    private Duration baselineWindow = Duration.days(30);

    @JsonProperty
    public Duration getCheckInterval() {
        return checkInterval;
    }

    @JsonProperty
    public void setCheckInterval(Duration checkInterval) {
        this.checkInterval = checkInterval;
    }

    @JsonProperty
    public Duration getDeadlineLookback() {
        return deadlineLookback;
    }

    @JsonProperty
    public void setDeadlineLookback(Duration deadlineLookback) {
        this.deadlineLookback = deadlineLookback;
    }

    @JsonProperty
    public int getBaselineRuns() {
        return baselineRuns;
    }

    @JsonProperty
    public void setBaselineRuns(int baselineRuns) {
        this.baselineRuns = baselineRuns;
    }

    @JsonProperty
    public Duration getBaselineWindow() {
        return baselineWindow;
    }

    @JsonProperty
    public void setBaselineWindow(Duration baselineWindow) {
        this.baselineWindow = baselineWindow;
    }

    @JsonProperty
    public Duration getRetryFor() {
        return retryFor;
    }

    @JsonProperty
    public void setRetryFor(Duration retryFor) {
        this.retryFor = retryFor;
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
    public Duration getPollInterval() {
        return pollInterval;
    }

    @JsonProperty
    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    @JsonProperty
    public String getDashboardUrl() {
        return dashboardUrl;
    }

    @JsonProperty
    public void setDashboardUrl(String dashboardUrl) {
        this.dashboardUrl = dashboardUrl;
    }

    @JsonProperty
    public List<String> getOnFailure() {
        return onFailure;
    }

    @JsonProperty
    public void setOnFailure(List<String> onFailure) {
        this.onFailure = onFailure == null ? new ArrayList<>() : onFailure;
    }

    @JsonProperty
    public List<String> getOnSuccess() {
        return onSuccess;
    }

    @JsonProperty
    public void setOnSuccess(List<String> onSuccess) {
        this.onSuccess = onSuccess == null ? new ArrayList<>() : onSuccess;
    }

    @JsonProperty
    public List<String> getOnRetry() {
        return onRetry;
    }

    @JsonProperty
    public void setOnRetry(List<String> onRetry) {
        this.onRetry = onRetry == null ? new ArrayList<>() : onRetry;
    }
}
