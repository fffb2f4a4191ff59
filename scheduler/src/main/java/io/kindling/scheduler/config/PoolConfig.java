package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * One entry of {@code pools:} in config.yml: how many attempts of the tasks that name it ({@code pool: NAME}) run at
 * once, over every pipeline, executor and daemon sharing the history.
 */
public class PoolConfig {
    @Min(1)
    @Max(100_000)
    private int size = 1;

    @JsonProperty
    public int getSize() {
        return size;
    }

    @JsonProperty
    public void setSize(int size) {
        this.size = size;
    }
}
