package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * {@code limits:} in config.yml: quotas on what API callers may queue, and how long one pipeline file may take
 * to parse, so that no caller and no file can fill the queue or stall the daemon (docs/web-security.md).
 */
public class LimitsConfig {
    /** Manual runs of one pipeline that may wait in the queue at once; the next trigger gets 429. */
    @Min(1)
    private int maxQueuedRuns = 100;

    /** The highest max_active_runs a backfill may ask for, unless the pipeline's own is higher (else 400). */
    @Min(1)
    private int maxBackfillActiveRuns = 32;

    /** Backfills of one pipeline with unfinished runs at once; the next one gets 429. */
    @Min(1)
    private int maxActiveBackfills = 5;

    /** State changes (POST and the like) one token or user may make per minute, in bursts; the next gets 429. */
    @Min(1)
    private int changesPerMinute = 600;

    /** How long one pipeline file may take to parse before it is skipped with a problem. */
    @NotNull
    private Duration parseTimeout = Duration.seconds(5);

    @JsonProperty
    public int getChangesPerMinute() {
        return changesPerMinute;
    }

    @JsonProperty
    public void setChangesPerMinute(int changesPerMinute) {
        this.changesPerMinute = changesPerMinute;
    }

    @JsonProperty
    public int getMaxQueuedRuns() {
        return maxQueuedRuns;
    }

    @JsonProperty
    public void setMaxQueuedRuns(int maxQueuedRuns) {
        this.maxQueuedRuns = maxQueuedRuns;
    }

    @JsonProperty
    public int getMaxBackfillActiveRuns() {
        return maxBackfillActiveRuns;
    }

    @JsonProperty
    public void setMaxBackfillActiveRuns(int maxBackfillActiveRuns) {
        this.maxBackfillActiveRuns = maxBackfillActiveRuns;
    }

    @JsonProperty
    public int getMaxActiveBackfills() {
        return maxActiveBackfills;
    }

    @JsonProperty
    public void setMaxActiveBackfills(int maxActiveBackfills) {
        this.maxActiveBackfills = maxActiveBackfills;
    }

    @JsonProperty
    public Duration getParseTimeout() {
        return parseTimeout;
    }

    @JsonProperty
    public void setParseTimeout(Duration parseTimeout) {
        this.parseTimeout = parseTimeout;
    }
}
