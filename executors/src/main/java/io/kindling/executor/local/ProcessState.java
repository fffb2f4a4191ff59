package io.kindling.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.executor.HealthStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Spark process as the executor last knew it, read under the executor's lock, and what its health check and
 * gauges say about it.
 *
 * @param process      the running process, or null
 * @param startFailure why the last start failed, or null
 * @param status       the agent's last status frame (heap, warm), or null
 */
record ProcessState(
        String name,
        LocalSparkOptions options,
        boolean closed,
        SparkProcess process,
        String startFailure,
        String lastExit,
        int restarts,
        JsonNode status,
        int attemptsRunning) {

    HealthStatus health() {
        if (closed) {
            return HealthStatus.unhealthy("executor '" + name + "' is closed");
        }
        if (process == null && startFailure != null) {
            return HealthStatus.unhealthy("the Spark process cannot start: " + startFailure);
        }
        String history = restarts == 0 ? "" : ", restarted " + restarts + " times, last because " + lastExit;
        if (process == null) {
            return HealthStatus.ok("Spark process (master " + options.master() + ", heap " + options.heap()
                    + ") not running; it starts with the next attempt" + history);
        }
        String heap = status == null
                ? ""
                : String.format(
                        Locale.ROOT,
                        ", heap %d of %d MiB",
                        status.path("heap_used").asLong() >> 20,
                        status.path("heap_max").asLong() >> 20);
        String spark = status != null && status.path("warm").asBoolean() ? ", Spark warm" : ", Spark not warm yet";
        return HealthStatus.ok(
                "Spark process " + process.pid() + " up " + process.uptime().toSeconds() + " s" + heap + spark + ", "
                        + attemptsRunning + " attempts running" + history);
    }

    Map<String, Double> gauges() {
        boolean fresh = process != null && status != null;
        Map<String, Double> gauges = new LinkedHashMap<>();
        gauges.put("spark.process.up", process == null ? 0.0 : 1.0);
        gauges.put("spark.process.warm", fresh && status.path("warm").asBoolean() ? 1.0 : 0.0);
        gauges.put("spark.process.restarts", (double) restarts);
        gauges.put(
                "spark.process.heap.used.bytes",
                fresh ? status.path("heap_used").asDouble() : Double.NaN);
        gauges.put(
                "spark.process.heap.max.bytes", fresh ? status.path("heap_max").asDouble() : Double.NaN);
        long rss = process == null ? -1 : process.residentBytes();
        gauges.put("spark.process.resident.bytes", rss < 0 ? Double.NaN : (double) rss);
        return gauges;
    }
}
