package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /api/v1/pipelines/{id}/baseline}: the learned baseline of a pipeline's durations, as the
 * {@code duration_anomaly} check computes it (the p95 of its recent successful runs), and the threshold a run passes
 * to raise {@code run_slow} (k times it, at least k seconds); absent fields: the pipeline has no successful runs yet,
 * or no {@code duration_anomaly}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BaselineView(
        @JsonProperty("pipeline") String pipeline,
        @JsonProperty("runs") int runs,
        @JsonProperty("p95_ms") Long p95Ms,
        @JsonProperty("k") Double k,
        @JsonProperty("min_runs") Integer minRuns,
        @JsonProperty("threshold_ms") Long thresholdMs,
        @JsonProperty("tasks") List<TaskBaseline> tasks) {

    /** A task's p95 over its successful task runs in those runs. */
    public record TaskBaseline(
            @JsonProperty("task") String task,
            @JsonProperty("runs") int runs,
            @JsonProperty("p95_ms") long p95Ms) {}
}
