package io.kindling.scheduler.support;

import io.kindling.cluster.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A config.yml for daemons whose executors are on the test cluster: {@code local} as in test-config.yml, and
 * {@code cluster} (spark-standalone, small drivers and executors, Python tasks on the test venv) and {@code connect} (spark-connect, Python tasks on the test venv too) on the shared
 * local cluster.
 */
public final class ClusterTestConfig {

    private ClusterTestConfig() {}

    /** Writes {@code config.yml} into {@code workDir}, with {@code defaultExecutor}, and returns it. */
    public static Path write(Path workDir, LocalCluster cluster, String defaultExecutor) {
        return write(workDir, cluster, defaultExecutor, 0, 0);
    }

    /** As {@link #write(Path, LocalCluster, String)} with fixed API and admin ports (0: any free one). */
    public static Path write(Path workDir, LocalCluster cluster, String defaultExecutor, int port, int adminPort) {
        String yaml = """
                database:
                  url: jdbc:sqlite:%1$s/data/kindling.db
                pipelines: %1$s/pipelines
                workDir: %1$s
                logDir: %1$s/data/logs
                defaultExecutor: %2$s
                executors:
                  local:
                    type: local
                    slots: 2
                    options:
                      master: "local[2]"
                      stopSparkOnClose: "false"
                      mode: in-process
                    sparkConf:
                      spark.sql.shuffle.partitions: "2"
                  cluster:
                    type: spark-standalone
                    slots: 2
                    options:
                      master: %3$s
                      restUrl: %4$s
                      masterWebUi: %5$s
                      pollIntervalMillis: "300"
                      python: %9$s
                    sparkConf:
                      spark.driver.memory: 512m
                      spark.executor.memory: 512m
                      spark.cores.max: "1"
                      spark.executor.cores: "1"
                      spark.sql.shuffle.partitions: "2"
                      spark.ui.enabled: "false"
                  connect:
                    type: spark-connect
                    slots: 2
                    options:
                      url: %6$s
                      python: %9$s
                webhooks:
                  ops:
                    url: ""      # off: the examples alert it
                server:
                  applicationConnectors:
                    - type: http
                      port: %7$d
                  adminConnectors:
                    - type: http
                      port: %8$d
                logging:
                  level: WARN
                  loggers:
                    io.kindling: INFO
                """.formatted(
                        workDir.toAbsolutePath(),
                        defaultExecutor,
                        cluster.settings().masterUrl(),
                        cluster.settings().restUrl(),
                        cluster.settings().masterUiUrl(),
                        cluster.settings().connectUrl(),
                        port,
                        adminPort,
                        TestPython.interpreter());
        try {
            return Files.writeString(workDir.resolve("config.yml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
