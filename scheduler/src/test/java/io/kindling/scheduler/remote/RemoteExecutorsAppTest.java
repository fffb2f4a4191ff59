package io.kindling.scheduler.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.cluster.LocalCluster;
import io.kindling.cluster.SharedCluster;
import io.kindling.scheduler.support.ClusterTestConfig;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The daemon with its tasks on a real Spark standalone cluster (master + worker) and a Spark Connect server,
 * through the HTTP API.
 */
@Tag("cluster")
class RemoteExecutorsAppTest {
    private static LocalCluster cluster;
    private static KindlingApp app;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        cluster = SharedCluster.get();
        KindlingApp base = KindlingApp.create(true);
        Path pipelines = base.workDir.resolve("pipelines");
        Files.writeString(pipelines.resolve("remote_fails.yml"), """
                pipeline: remote_fails
                defaults: {retries: 1, retry_delay: 1s}
                tasks:
                  - id: broken
                    sql: SELECT * FROM no_such_table
                """);
        Files.writeString(pipelines.resolve("remote_sleeps.yml"), """
                pipeline: remote_sleeps
                tasks:
                  - id: sleep
                    sql: SELECT count(*) AS n FROM range(0, 1000000000000, 1, 2) WHERE hash(id) = 42
                """);
        Files.writeString(pipelines.resolve("connect_then_local.yml"), """
                pipeline: connect_then_local
                tasks:
                  - id: on_connect
                    executor: connect
                    inputs: {people: {format: json, path: examples/data/people.json}}
                    sql: SELECT name.first AS first_name, age FROM people WHERE age > 30
                    output: {format: parquet, path: "data/out/connect/{{ run_id }}/adults", mode: overwrite}
                  - id: on_local
                    executor: local
                    depends_on: [on_connect]
                    inputs: {adults: {format: parquet, path: "data/out/connect/{{ run_id }}/adults"}}
                    sql: SELECT count(*) AS n, min(age) AS youngest FROM adults
                    output: {format: json, path: "data/out/connect/{{ run_id }}/count", mode: overwrite}
                """);
        Files.createDirectories(pipelines.resolve("jobs"));
        Files.writeString(pipelines.resolve("jobs/adults.py"), """
                import sys
                import kindling
                people = spark.read.json(sys.argv[1])
                adults = people.where(people.age > int(kindling.params["min_age"])).select("name.first", "age")
                adults.write.mode("overwrite").parquet(sys.argv[2])
                kindling.set_value("adults", adults.count())
                print("driver", spark.conf.get("spark.submit.deployMode"), "of", spark.conf.get("spark.master"))
                """);
        Files.writeString(pipelines.resolve("standalone_python.yml"), """
                pipeline: standalone_python
                params: {min_age: 30}
                tasks:
                  - id: adults
                    python:
                      file: jobs/adults.py
                      args: [examples/data/people.json, "data/out/py/{{ run_id }}/adults"]
                  - id: count
                    executor: local
                    depends_on: [adults]
                    inputs: {adults: {format: parquet, path: "data/out/py/{{ run_id }}/adults"}}
                    sql: SELECT count(*) AS n, :tasks.adults.adults AS reported FROM adults
                    output: {format: json, path: "data/out/py/{{ run_id }}/count", mode: overwrite}
                """);
        // the same work on the Connect server: a remote server resolves relative paths against its own folder
        Files.writeString(pipelines.resolve("jobs/connect_adults.py"), """
                import sys
                import kindling
                people = spark.read.json(sys.argv[1])
                adults = people.where(people.age > int(kindling.params["min_age"])).select("name.first", "age")
                adults.write.mode("overwrite").parquet(sys.argv[2])
                kindling.set_value("adults", adults.count())
                """);
        Files.writeString(pipelines.resolve("connect_python.yml"), """
                pipeline: connect_python
                params: {min_age: 30}
                tasks:
                  - id: adults
                    executor: connect
                    python:
                      file: jobs/connect_adults.py
                      args: ["%1$s/examples/data/people.json", "%1$s/data/out/connect_py/{{ run_id }}/adults"]
                  - id: count
                    executor: local
                    depends_on: [adults]
                    inputs: {adults: {format: parquet, path: "data/out/connect_py/{{ run_id }}/adults"}}
                    sql: SELECT count(*) AS n, :tasks.adults.adults AS reported FROM adults
                    output: {format: json, path: "data/out/connect_py/{{ run_id }}/count", mode: overwrite}
                """.formatted(base.workDir.toAbsolutePath()));
        // every task on the cluster: the default executor of tasks that name none
        app = base.withConfig(ClusterTestConfig.write(base.workDir, cluster, "cluster"))
                .start();
        http = new Http(app);
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    @Test
    void theDiamondExampleRunsEveryTaskAsADriverOnTheCluster() {
        String runId =
                http.post("/pipelines/people/runs", Map.of(), 201).get("run_id").asText();

        JsonNode run = awaitEnded(runId);

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        Map<String, String> drivers = drivers();
        List<String> remoteIds = new ArrayList<>();
        for (JsonNode task : run.get("tasks")) {
            assertThat(task.get("state").asText()).isEqualTo("SUCCEEDED");
            JsonNode attempt = task.get("attempts").get(task.get("attempts").size() - 1);
            assertThat(attempt.get("executor").asText()).isEqualTo("cluster");
            String driver = attempt.get("remote_id").asText();
            assertThat(driver).startsWith("driver-");
            assertThat(drivers).containsEntry(driver, "FINISHED");
            String appId = attempt.get("spark_app_id").asText();
            assertThat(appId).startsWith("app-");
            // no History Server configured: the run page links the application on the master's UI
            assertThat(attempt.get("spark_app_url").asText())
                    .isEqualTo(cluster.settings().masterUiUrl() + "/app/?appId=" + appId);
            remoteIds.add(driver);
        }
        assertThat(remoteIds).hasSize(4).doesNotHaveDuplicates();
        // {{ ds }} is the logical date in the schedule's zone (people.yml: Europe/Berlin), not in UTC
        String ds = Instant.parse(run.get("logical_time").asText())
                .atZone(ZoneId.of("Europe/Berlin"))
                .toLocalDate()
                .toString();
        assertThat(app.workDir.resolve("data/out/people/" + ds + "/summary/_SUCCESS"))
                .exists();
        String log = app.extension
                .client()
                .target(app.api("/runs/" + runId + "/tasks/summary/log"))
                .request()
                .get(String.class);
        assertThat(log)
                .contains("submitted as " + remoteIds.get(remoteIds.size() - 1).substring(0, 7))
                .contains("KINDLING-RESULT: SUCCEEDED");
    }

    @Test
    void aFailingRemoteTaskIsRetriedAndEachDriverLogIsServed() {
        String runId = http.post("/pipelines/remote_fails/runs", Map.of(), 201)
                .get("run_id")
                .asText();

        JsonNode run = awaitEnded(runId);

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        JsonNode task = run.get("tasks").get(0);
        assertThat(task.get("attempt_count").asInt()).isEqualTo(2);
        for (JsonNode attempt : task.get("attempts")) {
            assertThat(attempt.get("state").asText()).isEqualTo("FAILED");
            assertThat(attempt.get("error").asText()).contains("no_such_table");
            assertThat(drivers()).containsEntry(attempt.get("remote_id").asText(), "FAILED");
            String log = app.extension
                    .client()
                    .target(app.api("/runs/" + runId + "/tasks/broken/log?attempt="
                            + attempt.get("attempt").asInt()))
                    .request()
                    .get(String.class);
            assertThat(log)
                    .contains("submitted as " + attempt.get("remote_id").asText())
                    .contains("TABLE_OR_VIEW_NOT_FOUND")
                    .contains("KINDLING-RESULT: FAILED");
        }
    }

    @Test
    void cancellingARunKillsItsDriver() {
        String runId = http.post("/pipelines/remote_sleeps/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            JsonNode attempts = http.get("/runs/" + runId).get("tasks").get(0).get("attempts");
            return attempts.size() == 1
                    && attempts.get(0).hasNonNull("remote_id")
                    && "RUNNING"
                            .equals(drivers()
                                    .get(attempts.get(0).get("remote_id").asText()));
        });
        String driver = http.get("/runs/" + runId)
                .get("tasks")
                .get(0)
                .get("attempts")
                .get(0)
                .get("remote_id")
                .asText();

        http.post("/runs/" + runId + "/cancel");
        JsonNode run = awaitEnded(runId);

        assertThat(run.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(run.get("tasks").get(0).get("state").asText()).isEqualTo("CANCELLED");
        assertThat(drivers()).containsEntry(driver, "KILLED");
    }

    @Test
    void aSparkConnectTaskWritesParquetThatAFollowingLocalTaskReads() throws Exception {
        String runId = http.post("/pipelines/connect_then_local/runs", Map.of(), 201)
                .get("run_id")
                .asText();

        JsonNode run = awaitEnded(runId);

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode onConnect = run.get("tasks").get(0).get("attempts").get(0);
        assertThat(onConnect.get("executor").asText()).isEqualTo("connect");
        assertThat(onConnect.get("remote_id").asText()).isNotBlank();
        assertThat(run.get("tasks")
                        .get(1)
                        .get("attempts")
                        .get(0)
                        .get("executor")
                        .asText())
                .isEqualTo("local");
        long expected = peopleOlderThan(30);
        String written = jsonPart(app.workDir.resolve("data/out/connect/" + runId + "/count"));
        assertThat(new ObjectMapper().readTree(written).get("n").asLong())
                .isEqualTo(expected)
                .isPositive();
        String log = app.extension
                .client()
                .target(app.api("/runs/" + runId + "/tasks/on_connect/log"))
                .request()
                .get(String.class);
        // the remote id names the session and the operation of the statement that ran
        String remoteId = onConnect.get("remote_id").asText();
        assertThat(remoteId).matches("session=[0-9a-f-]{36};user=[^;]+;operation=[0-9a-f-]{36};statement=1");
        String session = remoteId.replaceAll("session=([^;]+);.*", "$1");
        String operation = remoteId.replaceAll(".*;operation=([^;]+);.*", "$1");
        assertThat(log)
                .contains("Spark Connect session " + session)
                .contains("statement 1 of 1 (operation " + operation + ")")
                .contains("output written: parquet");
    }

    @Test
    void aPySparkTaskRunsAsAClientModeDriverOnTheClusterAndALocalSqlTaskReadsItsParquetAndValue() throws Exception {
        String runId = http.post("/pipelines/standalone_python/runs", Map.of(), 201)
                .get("run_id")
                .asText();

        JsonNode run = awaitEnded(runId);

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode onCluster = run.get("tasks").get(0).get("attempts").get(0);
        assertThat(onCluster.get("executor").asText()).isEqualTo("cluster");
        assertThat(onCluster.hasNonNull("remote_id")).isFalse(); // a driver under the daemon: not re-attachable
        String appId = onCluster.get("spark_app_id").asText();
        assertThat(appId).startsWith("app-");
        long expected = peopleOlderThan(30);
        JsonNode count = new ObjectMapper().readTree(jsonPart(app.workDir.resolve("data/out/py/" + runId + "/count")));
        assertThat(count.get("n").asLong()).isEqualTo(expected).isPositive();
        assertThat(count.get("reported").asLong()).isEqualTo(expected);
        String log = app.extension
                .client()
                .target(app.api("/runs/" + runId + "/tasks/adults/log"))
                .request()
                .get(String.class);
        assertThat(log)
                .contains("driver client of " + cluster.settings().masterUrl())
                .contains("Spark application " + appId);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "FINISHED".equals(MasterState.applications(cluster).get(appId)));
    }

    @Test
    void aPySparkTaskOnSparkConnectWritesParquetThatALocalSqlTaskReadsWithItsValue() throws Exception {
        String runId = http.post("/pipelines/connect_python/runs", Map.of(), 201)
                .get("run_id")
                .asText();

        JsonNode run = awaitEnded(runId);

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("tasks")
                        .get(0)
                        .get("attempts")
                        .get(0)
                        .get("executor")
                        .asText())
                .isEqualTo("connect");
        long expected = peopleOlderThan(30);
        JsonNode count =
                new ObjectMapper().readTree(jsonPart(app.workDir.resolve("data/out/connect_py/" + runId + "/count")));
        assertThat(count.get("n").asLong()).isEqualTo(expected).isPositive();
        assertThat(count.get("reported").asLong()).isEqualTo(expected);
        String log = app.extension
                .client()
                .target(app.api("/runs/" + runId + "/tasks/adults/log"))
                .request()
                .get(String.class);
        assertThat(log).contains("Spark Connect session");
    }

    private static long peopleOlderThan(int age) throws java.io.IOException {
        try (var lines = Files.lines(app.workDir.resolve("examples/data/people.json"))) {
            ObjectMapper json = new ObjectMapper();
            return lines.filter(line -> !line.isBlank())
                    .map(line -> {
                        try {
                            return json.readTree(line).get("age").asInt();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .filter(a -> a > age)
                    .count();
        }
    }

    private static String jsonPart(Path folder) throws java.io.IOException {
        try (var parts = Files.list(folder)) {
            Path part = parts.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .findFirst()
                    .orElseThrow();
            return Files.readString(part);
        }
    }

    private static JsonNode awaitEnded(String runId) {
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(http.get("/runs/" + runId).get("state").asText()));
        return http.get("/runs/" + runId);
    }

    private static Map<String, String> drivers() {
        return MasterState.drivers(cluster);
    }
}
