package io.kindling.executor.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.executor.ExecutorConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the Spark process is started with: the agent's configuration frame and the process's environment. */
final class AgentLaunch {
    private static final String MAX_RESULT_SIZE = "spark.driver.maxResultSize";
    /** The agent's own executor waits for cancelled attempts' threads: the grace period is the daemon's. */
    private static final String AGENT_CANCEL_GRACE_SECONDS =
            Long.toString(Duration.ofDays(1).toSeconds());

    private AgentLaunch() {}

    /**
     * The agent runs the executor's tasks with an in-process local executor of the same name, slots, work folder
     * and options (less the process-only ones), with a result-size limit that fits the heap.
     *
     * @param warm whether the agent warms Spark up before it says it is ready
     */
    static ObjectNode config(ExecutorConfig config, LocalSparkOptions options, boolean warm) {
        ObjectNode agentConfig = AgentFrames.message("config")
                .put("name", config.name())
                .put("slots", config.slots())
                .put("work_dir", config.workDir().toAbsolutePath().toString())
                .put("warm", warm)
                .put("exit_grace_ms", options.cancelGracePeriod().toMillis());
        agentConfig.set("spark_conf", AgentFrames.JSON.valueToTree(sparkConf(config, options)));
        Map<String, String> agentOptions = new LinkedHashMap<>(config.options());
        agentOptions.keySet().removeAll(LocalSparkOptions.PROCESS_ONLY);
        agentOptions.put(LocalSparkOptions.MODE, LocalSparkOptions.Mode.IN_PROCESS.yamlName);
        agentOptions.put(LocalSparkOptions.CANCEL_GRACE_SECONDS, AGENT_CANCEL_GRACE_SECONDS);
        agentOptions.put(LocalSparkOptions.STOP_SPARK_ON_CLOSE, "true");
        agentConfig.set("options", AgentFrames.JSON.valueToTree(agentOptions));
        return agentConfig;
    }

    /**
     * The child's environment beyond the daemon's: a local master's driver binds to 127.0.0.1 anyway (spark_conf,
     * {@link LocalSparkSession}); {@code SPARK_LOCAL_IP} also keeps Spark from looking up the host name and warning
     * that it resolves to a loopback address. A value the daemon was given wins.
     */
    static Map<String, String> environment(LocalSparkOptions options) {
        return options.master().startsWith("local") && System.getenv("SPARK_LOCAL_IP") == null
                ? Map.of("SPARK_LOCAL_IP", "127.0.0.1")
                : Map.of();
    }

    /**
     * The executor's spark_conf, with a result-size limit that fits the heap unless it sets one: Spark's default
     * (1g) is the whole default heap, and results take a few times their size while they arrive, so one
     * {@code collect()} too many would end the process rather than fail its attempt with Spark's clear error.
     */
    private static Map<String, String> sparkConf(ExecutorConfig config, LocalSparkOptions options) {
        Map<String, String> conf = new LinkedHashMap<>(config.sparkConf());
        conf.putIfAbsent(MAX_RESULT_SIZE, (options.heapBytes() / 8 >> 20) + "m");
        return conf;
    }
}
