package io.kindling.scheduler.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.cluster.LocalCluster;
import io.kindling.cluster.SharedCluster;
import io.kindling.scheduler.support.ClusterTestConfig;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.KindlingApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A daemon killed with SIGKILL while a task runs as a driver on the cluster, or as an operation on the Spark
 * Connect server: the daemon started again follows the same driver or operation to its end instead of submitting
 * the attempt again. A Python task's client-mode driver runs under the daemon and dies with it: that attempt is failed
 * and retried, never run twice at once.
 */
@Tag("cluster")
class ReattachAfterKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRestartedDaemonFollowsTheSameDriverToSucceeded() throws Exception {
        LocalCluster cluster = SharedCluster.get();
        Path workDir = Files.createTempDirectory("kindling-reattach-");
        Files.createDirectories(workDir.resolve("pipelines"));
        Files.writeString(workDir.resolve("pipelines/remote_slow.yml"), """
                pipeline: remote_slow
                defaults: {executor: cluster, retries: 2, retry_delay: 1s}
                tasks:
                  - id: slow
                    sql: SELECT count(*) AS n FROM range(0, 3000000000, 1, 2) WHERE hash(id) = 42
                """);
        int[] ports = DaemonProcess.freePorts(2);
        Path config = ClusterTestConfig.write(workDir, cluster, "local", ports[0], ports[1]);
        Path output = workDir.resolve("daemon.out");
        Map<String, String> driversBefore = new HashMap<>(MasterState.drivers(cluster));

        DaemonProcess first = DaemonProcess.start(config, ports[0], output);
        String runId = JSON.readTree(post(first.api("/pipelines/remote_slow/runs")))
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            JsonNode attempts =
                    get(first.api("/runs/" + runId)).get("tasks").get(0).get("attempts");
            return attempts.size() == 1
                    && attempts.get(0).hasNonNull("remote_id")
                    && "RUNNING"
                            .equals(MasterState.drivers(cluster)
                                    .get(attempts.get(0).get("remote_id").asText()));
        });
        String driver = get(first.api("/runs/" + runId))
                .get("tasks")
                .get(0)
                .get("attempts")
                .get(0)
                .get("remote_id")
                .asText();
        first.kill();

        DaemonProcess second = DaemonProcess.start(config, ports[0], output);
        try {
            onlyAttemptSucceeded(second, runId, driver, Duration.ofMinutes(3));

            Map<String, String> newDrivers = new HashMap<>(MasterState.drivers(cluster));
            newDrivers.keySet().removeAll(driversBefore.keySet());
            assertThat(newDrivers).containsExactly(Map.entry(driver, "FINISHED"));
            assertThat(workDir.resolve("data/logs/remote_slow/" + runId + "/slow.1.log"))
                    .content()
                    .contains("submitted as " + driver)
                    .contains("re-attached to " + driver);
        } finally {
            second.kill();
        }
    }

    @Test
    void aRestartedDaemonFollowsTheSameConnectOperationAndWritesTheOutputOnce() throws Exception {
        LocalCluster cluster = SharedCluster.get();
        Path workDir = Files.createTempDirectory("kindling-reattach-connect-");
        Files.createDirectories(workDir.resolve("pipelines"));
        // "error" mode: a second write of the output would fail the attempt
        Files.writeString(workDir.resolve("pipelines/connect_slow.yml"), """
                pipeline: connect_slow
                defaults: {executor: connect, retries: 2, retry_delay: 1s}
                tasks:
                  - id: slow
                    sql: SELECT sum(id % 10) AS total FROM range(0, 4000000000, 1, 2)
                    output: {format: parquet, path: "data/out/{{ run_id }}/total", mode: error}
                """);
        int[] ports = DaemonProcess.freePorts(2);
        Path config = ClusterTestConfig.write(workDir, cluster, "local", ports[0], ports[1]);
        Path output = workDir.resolve("daemon.out");

        DaemonProcess first = DaemonProcess.start(config, ports[0], output);
        String runId = JSON.readTree(post(first.api("/pipelines/connect_slow/runs")))
                .get("run_id")
                .asText();
        Path log = workDir.resolve("data/logs/connect_slow/" + runId + "/slow.1.log");
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            JsonNode attempts =
                    get(first.api("/runs/" + runId)).get("tasks").get(0).get("attempts");
            return attempts.size() == 1
                    && attempts.get(0).hasNonNull("remote_id")
                    && Files.exists(log)
                    && Files.readString(log).contains("runs on the server");
        });
        String operation = get(first.api("/runs/" + runId))
                .get("tasks")
                .get(0)
                .get("attempts")
                .get(0)
                .get("remote_id")
                .asText();
        first.kill();

        DaemonProcess second = DaemonProcess.start(config, ports[0], output);
        try {
            assertThat(onlyAttemptSucceeded(second, runId, operation, Duration.ofMinutes(4))
                            .get("remote_id")
                            .asText())
                    .startsWith("session=")
                    .contains(";operation=")
                    .endsWith(";statement=1");
            String operationId = operation.replaceAll(".*;operation=([^;]+);.*", "$1");
            assertThat(Files.readString(log))
                    .containsOnlyOnce("statement 1 of 1 (operation " + operationId + ")")
                    .contains("re-attaching after a restart of Kindling: operation " + operationId)
                    .contains("output written: parquet");
            try (var files = Files.list(workDir.resolve("data/out/" + runId + "/total"))) {
                assertThat(files.map(p -> p.getFileName().toString())
                                .filter(n -> n.startsWith("part-") && n.endsWith(".parquet")))
                        .hasSize(1);
            }
        } finally {
            second.kill();
        }
    }

    @Test
    void aPythonDriverDiesWithTheDaemonAndItsAttemptIsFailedAndRetriedOnce() throws Exception {
        LocalCluster cluster = SharedCluster.get();
        Path workDir = Files.createTempDirectory("kindling-python-kill-");
        Files.createDirectories(workDir.resolve("pipelines/jobs"));
        // each attempt writes down its start (with whether the attempt before it still lives) and its end
        Files.writeString(workDir.resolve("pipelines/jobs/slow.py"), """
                import os
                import kindling

                def alive(pid):
                    try:
                        with open(f"/proc/{pid}/stat") as stat:
                            return stat.read().split(")")[-1].split()[0] != "Z"
                    except OSError:
                        return False

                with open("journal.txt", "a+") as journal:
                    journal.seek(0)
                    others = [int(line.split()[2]) for line in journal if line.startswith("start")]
                    journal.write(f"start {kindling.attempt} {os.getpid()} {any(alive(p) for p in others)}\\n")
                if kindling.attempt == 1:
                    print("spinning", flush=True)
                    spark.range(0, 1000000000000, 1, 2).selectExpr("sum(hash(id))").collect()
                n = spark.range(0, 10).count()
                with open("journal.txt", "a") as journal:
                    journal.write(f"end {kindling.attempt} {n}\\n")
                """);
        Files.writeString(workDir.resolve("pipelines/python_slow.yml"), """
                pipeline: python_slow
                defaults: {executor: cluster, retries: 2, retry_delay: 1s}
                tasks:
                  - id: slow
                    python: {file: jobs/slow.py}
                """);
        int[] ports = DaemonProcess.freePorts(2);
        Path config = ClusterTestConfig.write(workDir, cluster, "local", ports[0], ports[1]);
        Path output = workDir.resolve("daemon.out");

        DaemonProcess first = DaemonProcess.start(config, ports[0], output);
        String runId = JSON.readTree(post(first.api("/pipelines/python_slow/runs")))
                .get("run_id")
                .asText();
        Path log = workDir.resolve("data/logs/python_slow/" + runId + "/slow.1.log");
        await().atMost(Duration.ofMinutes(2))
                .until(() -> Files.exists(log) && Files.readString(log).contains("spinning"));
        String app = Files.readString(log).replaceAll("(?s).*Spark application (app-\\S+) .*", "$1");
        await().atMost(Duration.ofMinutes(1))
                .until(() -> "RUNNING".equals(MasterState.applications(cluster).get(app)));
        first.kill();

        DaemonProcess second = DaemonProcess.start(config, ports[0], output);
        try {
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                            .contains(get(second.api("/runs/" + runId))
                                    .get("state")
                                    .asText()));
            JsonNode run = get(second.api("/runs/" + runId));
            assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
            JsonNode attempts = run.get("tasks").get(0).get("attempts");
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).get("state").asText()).isEqualTo("FAILED");
            assertThat(attempts.get(0).get("error").asText())
                    .startsWith("daemon restarted while the attempt was running")
                    .contains("were lost with it");
            assertThat(attempts.get(1).get("state").asText()).isEqualTo("SUCCEEDED");
            // the killed daemon's driver ended its application; the retry's body ran once, the first one gone
            assertThat(MasterState.applications(cluster).get(app)).isIn("FINISHED", "KILLED");
            List<String> journal = Files.readAllLines(workDir.resolve("journal.txt"));
            assertThat(journal).hasSize(3);
            assertThat(journal.get(0)).matches("start 1 \\d+ False");
            assertThat(journal.get(1)).matches("start 2 \\d+ False");
            assertThat(journal.get(2)).isEqualTo("end 2 10");
        } finally {
            second.kill();
        }
    }

    /**
     * Waits for the run to end on {@code daemon} and checks that it SUCCEEDED with one attempt of its one task, the
     * one recorded as {@code remoteId} (followed, not submitted again); returns that attempt.
     */
    private static JsonNode onlyAttemptSucceeded(DaemonProcess daemon, String runId, String remoteId, Duration within) {
        await().atMost(within)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(get(daemon.api("/runs/" + runId)).get("state").asText()));
        JsonNode run;
        try {
            run = get(daemon.api("/runs/" + runId));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode task = run.get("tasks").get(0);
        assertThat(task.get("attempt_count").asInt()).isEqualTo(1);
        JsonNode attempt = task.get("attempts").get(0);
        assertThat(attempt.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(attempt.get("remote_id").asText()).isEqualTo(remoteId);
        return attempt;
    }

    private static JsonNode get(String url) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(url)).GET().build()));
    }

    private static String post(String url) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    }

    private static String send(HttpRequest request) {
        try {
            // the daemon runs in-process or as DaemonProcess: both take the test admin token
            HttpRequest authorized = HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Authorization", "Bearer " + KindlingApp.ADMIN_TOKEN)
                    .build();
            return HttpClient.newHttpClient()
                    .send(authorized, HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
