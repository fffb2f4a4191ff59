package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/**
 * {@code history:} in config.yml: how long finished runs are kept ({@code retention}, off unless set; at least 7
 * days, so that upstream triggers, catch-up and deadlines never miss a run they may still look at), how often the
 * deletion looks, and how many runs it deletes per transaction (small, so the engine's writes wait little).
 */
public class HistoryConfig {
    @MinDuration(value = 7, unit = TimeUnit.DAYS)
    private Duration retention;

    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    private Duration sweepInterval = Duration.hours(1);

    @Min(1)
    @Max(1000)
    private int batchSize = 100;

    /** @return null: runs are kept forever */
    @JsonProperty
    public Duration getRetention() {
        return retention;
    }

    @JsonProperty
    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    @JsonProperty
    public Duration getSweepInterval() {
        return sweepInterval;
    }

    @JsonProperty
    public void setSweepInterval(Duration sweepInterval) {
        this.sweepInterval = sweepInterval;
    }

    @JsonProperty
    public int getBatchSize() {
        return batchSize;
    }

    @JsonProperty
    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }
}
