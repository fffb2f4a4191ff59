package io.kindling.executor;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What an attempt did in Spark, as its executor saw it. Every figure is nullable: null means the executor cannot
 * tell (it is omitted from JSON), never "zero"; a zero is a measured zero. Sums are over every task that reported
 * metrics, failed and killed ones included, so a failed attempt keeps the figures of what ran.
 *
 * @param peakExecutionMemoryBytes the largest peak execution memory of one task (Spark measures it per task)
 * @param stageSkew                per completed stage, its slowest task against its median task
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SparkMetrics(
        Counts jobs,
        Counts stages,
        Counts tasks,
        Long inputBytes,
        Long inputRecords,
        Long outputBytes,
        Long outputRecords,
        Long shuffleReadBytes,
        Long shuffleWriteBytes,
        Long memorySpillBytes,
        Long diskSpillBytes,
        Long peakExecutionMemoryBytes,
        Long executorRunTimeMs,
        Long executorCpuTimeMs,
        Long gcTimeMs,
        List<StageSkew> stageSkew) {

    /** At most this many stages keep a {@link StageSkew} (those with the slowest tasks): a history row stays small. */
    public static final int MAX_STAGES = 100;

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public SparkMetrics {
        nonNegative("input_bytes", inputBytes);
        nonNegative("input_records", inputRecords);
        nonNegative("output_bytes", outputBytes);
        nonNegative("output_records", outputRecords);
        nonNegative("shuffle_read_bytes", shuffleReadBytes);
        nonNegative("shuffle_write_bytes", shuffleWriteBytes);
        nonNegative("memory_spill_bytes", memorySpillBytes);
        nonNegative("disk_spill_bytes", diskSpillBytes);
        nonNegative("peak_execution_memory_bytes", peakExecutionMemoryBytes);
        nonNegative("executor_run_time_ms", executorRunTimeMs);
        nonNegative("executor_cpu_time_ms", executorCpuTimeMs);
        nonNegative("gc_time_ms", gcTimeMs);
        if (stageSkew != null) {
            if (stageSkew.size() > MAX_STAGES) {
                throw new IllegalArgumentException(
                        "stage_skew has " + stageSkew.size() + " stages, at most " + MAX_STAGES);
            }
            stageSkew = List.copyOf(stageSkew);
        }
    }

    /** How many ended well, failed, or were cancelled (killed). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Counts(Long succeeded, Long failed, Long killed) {
        public Counts {
            nonNegative("succeeded", succeeded);
            nonNegative("failed", failed);
            nonNegative("killed", killed);
        }
    }

    /** One stage's task durations: a slowest task far above the median is skew. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record StageSkew(int stageId, String name, long tasks, long medianTaskMs, long slowestTaskMs) {
        public StageSkew {
            requireNonNull(name, "name is null");
            if (stageId < 0 || tasks < 1 || medianTaskMs < 0 || slowestTaskMs < medianTaskMs) {
                throw new IllegalArgumentException("stage " + stageId + ": " + tasks + " tasks, median " + medianTaskMs
                        + " ms, slowest " + slowestTaskMs + " ms is not a stage's durations");
            }
        }
    }

    /** Compact JSON, absent figures left out: what the agent protocol and the run history carry. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@link #toJson()}; unknown fields (written by a newer version) are ignored. */
    public static SparkMetrics fromJson(String json) {
        requireNonNull(json, "json is null");
        try {
            return JSON.readValue(json, SparkMetrics.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not Spark metrics: " + e.getOriginalMessage(), e);
        }
    }

    private static void nonNegative(String name, Long value) {
        if (value != null && value < 0) {
            throw new IllegalArgumentException(name + " is " + value + ", must not be negative");
        }
    }
}
