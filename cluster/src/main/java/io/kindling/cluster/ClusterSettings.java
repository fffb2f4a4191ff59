package io.kindling.cluster;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the local test cluster listens and keeps its files. Everything binds to {@code host} (loopback by default).
 *
 * @param stateDir     pid files, process logs, the SPARK_HOME built from the Maven repository, worker folders
 * @param masterPort   the standalone master ({@code spark://host:masterPort})
 * @param restPort     the master's REST submission server
 * @param masterUiPort the master's web UI, also its JSON status ({@code /json/})
 * @param workerUiPort the worker's web UI, which serves driver logs
 * @param connectPort  the Spark Connect server ({@code sc://host:connectPort})
 * @param historyUiPort the Spark History Server, when started ({@link LocalCluster#startHistoryServer})
 * @param workerCores  cores the worker advertises: each submitted task needs one for its driver and one for
 *                     its executor
 * @param workerMemory memory the worker advertises, in Spark's notation ({@code 6g})
 * @param allowedRoots where SQL sent to the Connect server may read and write (Kindling's SQL guard); besides
 *                     these, the server's own warehouse in the state folder
 */
public record ClusterSettings(
        Path stateDir,
        String host,
        int masterPort,
        int restPort,
        int masterUiPort,
        int workerUiPort,
        int connectPort,
        int historyUiPort,
        int workerCores,
        String workerMemory,
        List<String> allowedRoots) {
    public static final int MASTER_PORT = 7077;
    public static final int REST_PORT = 6066;
    public static final int MASTER_UI_PORT = 18080;
    public static final int WORKER_UI_PORT = 18081;
    public static final int CONNECT_PORT = 15002;
    public static final int HISTORY_UI_PORT = 18082;

    public ClusterSettings {
        requireNonNull(stateDir, "stateDir is null");
        requireNonNull(host, "host is null");
        requireNonNull(workerMemory, "workerMemory is null");
        if (workerCores < 1) {
            throw new IllegalArgumentException("workerCores must be at least 1");
        }
        allowedRoots = List.copyOf(allowedRoots);
    }

    /**
     * The ports of bin/kindling-cluster and the default config.yml; SQL on the Connect server may use the current
     * folder, where the daemon keeps its data when started from the same place.
     */
    public static ClusterSettings defaults(Path stateDir) {
        return new ClusterSettings(
                stateDir,
                "127.0.0.1",
                MASTER_PORT,
                REST_PORT,
                MASTER_UI_PORT,
                WORKER_UI_PORT,
                CONNECT_PORT,
                HISTORY_UI_PORT,
                6,
                "6g",
                List.of(Path.of("").toAbsolutePath().toString()));
    }

    public ClusterSettings withPorts(int master, int rest, int masterUi, int workerUi, int connect, int historyUi) {
        return new ClusterSettings(
                stateDir,
                host,
                master,
                rest,
                masterUi,
                workerUi,
                connect,
                historyUi,
                workerCores,
                workerMemory,
                allowedRoots);
    }

    public ClusterSettings withAllowedRoots(List<String> roots) {
        return new ClusterSettings(
                stateDir,
                host,
                masterPort,
                restPort,
                masterUiPort,
                workerUiPort,
                connectPort,
                historyUiPort,
                workerCores,
                workerMemory,
                roots);
    }

    public String masterUrl() {
        return "spark://" + host + ":" + masterPort;
    }

    public String restUrl() {
        return "http://" + host + ":" + restPort;
    }

    public String masterUiUrl() {
        return "http://" + host + ":" + masterUiPort;
    }

    public String historyUiUrl() {
        return "http://" + host + ":" + historyUiPort;
    }

    public String connectUrl() {
        return "sc://" + host + ":" + connectPort;
    }
}
