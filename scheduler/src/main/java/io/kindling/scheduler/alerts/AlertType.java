package io.kindling.scheduler.alerts;

/** What an alert is about; the {@code type} field of an event. */
public enum AlertType {
    RUN_FAILED("run_failed", "Run failed"),
    RUN_SUCCEEDED("run_succeeded", "Run succeeded"),
    /** The first success after a failed run of the same pipeline. */
    RUN_RECOVERED("run_recovered", "Run recovered"),
    /** A task failed after its last retry. */
    TASK_FAILED("task_failed", "Task failed"),
    TASK_RETRYING("task_retrying", "Task retrying"),
    /** The run is still going after the pipeline's {@code on_duration_over}. */
    RUN_DURATION_OVER("run_duration_over", "Run taking too long"),
    /** A scheduled time's run had not succeeded by the pipeline's deadline (or was never created). */
    RUN_LATE("run_late", "Run late"),
    /** A scheduled time's run had not started within {@code start_within} (queued, or never created). */
    RUN_START_LATE("run_start_late", "Run start late"),
    /** A run is still going after k times its pipeline's recent p95 ({@code duration_anomaly}). */
    RUN_SLOW("run_slow", "Run slower than usual"),
    /** A task is still going after k times its own recent p95 ({@code duration_anomaly}). */
    TASK_SLOW("task_slow", "Task slower than usual"),
    /** A task's attempt succeeded but its {@code output:} got no record ({@code allow_empty_output} turns it off). */
    TASK_EMPTY_OUTPUT("task_empty_output", "Task wrote no records"),
    /** A task's attempt wrote far fewer or more records than its recent successful runs ({@code volume_anomaly}). */
    TASK_VOLUME_ANOMALY("task_volume_anomaly", "Task output unusual");

    private final String wireName;
    private final String title;

    AlertType(String wireName, String title) {
        this.wireName = wireName;
        this.title = title;
    }

    public String wireName() {
        return wireName;
    }

    public String title() {
        return title;
    }
}
