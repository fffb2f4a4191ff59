package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.util.LinkedHashMap;
import java.util.Map;

/** One entry of {@code executors:} in config.yml; the map key is the executor's name. */
public class ExecutorConfig {
    @NotEmpty
    private String type = "local";

    @Min(1)
    private int slots = 2;

    private Map<String, String> sparkConf = new LinkedHashMap<>();
    private Map<String, String> options = new LinkedHashMap<>();

    @JsonProperty
    public String getType() {
        return type;
    }

    @JsonProperty
    public void setType(String type) {
        this.type = type;
    }

    @JsonProperty
    public int getSlots() {
        return slots;
    }

    @JsonProperty
    public void setSlots(int slots) {
        this.slots = slots;
    }

    @JsonProperty
    public Map<String, String> getSparkConf() {
        return sparkConf;
    }

    @JsonProperty
    public void setSparkConf(Map<String, String> sparkConf) {
        this.sparkConf = sparkConf == null ? new LinkedHashMap<>() : sparkConf;
    }

    @JsonProperty
    public Map<String, String> getOptions() {
        return options;
    }

    @JsonProperty
    public void setOptions(Map<String, String> options) {
        this.options = options == null ? new LinkedHashMap<>() : options;
    }
}
