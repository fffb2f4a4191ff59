package io.kindling.scheduler.core;

import org.slf4j.MDC;

/**
 * What the engine's log lines are about, in the logging MDC ({@code pipeline}, {@code run_id}, {@code task},
 * {@code attempt}), so that one grep for a run id tells its story. The engine thread clears it after each step.
 */
final class EngineMdc {
    private EngineMdc() {}

    static void run(String pipeline, String runId) {
        MDC.put("pipeline", pipeline);
        MDC.put("run_id", runId);
        MDC.remove("task");
        MDC.remove("attempt");
    }

    static void task(String pipeline, String runId, String taskId, int attempt) {
        MDC.put("pipeline", pipeline);
        MDC.put("run_id", runId);
        MDC.put("task", taskId);
        MDC.put("attempt", Integer.toString(attempt));
    }

    static void clear() {
        MDC.clear();
    }
}
