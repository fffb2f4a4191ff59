package io.kindling.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Starts the real cluster the way bin/kindling-cluster does (on free ports), looks at it, and stops it. */
@Tag("cluster")
class LocalClusterTest {

    @Test
    void startsMasterWorkerAndConnectServerAndStopsThem() throws Exception {
        // under target/, not a JUnit temp folder: SPARK_HOME/jars links into the Maven repository
        Path state = Files.createDirectories(Path.of(
                "target", "local-cluster-test-" + ProcessHandle.current().pid()));
        LocalCluster cluster = SharedCluster.onFreePorts(state);
        try {
            cluster.start(Duration.ofMinutes(3));

            assertThat(cluster.allRunning()).isTrue();
            assertThat(cluster.aliveWorkers()).isEqualTo(1);
            assertThat(cluster.status().values()).allMatch(s -> s.startsWith("running (pid "));
            assertThat(state.resolve("spark-home/RELEASE")).exists();
            try (var jars = Files.list(state.resolve("spark-home/jars"))) {
                assertThat(jars.map(p -> p.getFileName().toString()))
                        .anyMatch(name -> name.startsWith("spark-core_2.13-"))
                        .anyMatch(name -> name.startsWith("spark-connect_2.13-"));
            }
            // The Connect server runs with Kindling's SQL guard (ConnectExecutorTest shows it refusing reflect)
            assertThat(cluster.logFile(LocalCluster.Component.CONNECT))
                    .content()
                    .contains("-Dspark.sql.extensions=io.kindling.executor.guard.SparkGuardExtension")
                    .contains("-Dspark.sql.runSQLOnFiles=false")
                    .contains("kindling-runner.jar");
            // The REST submission server answers (a status request for a driver it has never seen).
            HttpResponse<String> status = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            cluster.settings().restUrl() + "/v1/submissions/status/driver-none"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(status.body()).contains("SubmissionStatusResponse").contains("driver-none");

            // start again is a no-op: the same processes keep running
            long masterPid =
                    cluster.running(LocalCluster.Component.MASTER).orElseThrow().pid();
            cluster.start(Duration.ofMinutes(1));
            assertThat(cluster.running(LocalCluster.Component.MASTER).map(ProcessHandle::pid))
                    .contains(masterPid);
        } finally {
            List<Optional<ProcessHandle>> processes = List.of(
                    cluster.running(LocalCluster.Component.MASTER),
                    cluster.running(LocalCluster.Component.WORKER),
                    cluster.running(LocalCluster.Component.CONNECT));
            List<String> stopped = cluster.stop();
            assertThat(stopped).hasSize(3);
            assertThat(processes).allMatch(p -> p.isPresent() && !p.get().isAlive());
            assertThat(cluster.status().values()).containsOnly("stopped");
            assertThat(cluster.stop()).isEmpty();
        }
    }
}
