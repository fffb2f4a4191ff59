package io.kindling.executor.standalone;

import static io.kindling.executor.standalone.ClusterFixture.await;
import static io.kindling.executor.standalone.ClusterFixture.awaitDriverState;
import static io.kindling.executor.standalone.ClusterFixture.drivers;
import static io.kindling.executor.standalone.ClusterFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.cluster.LocalCluster;
import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The spark-standalone executor against a real master and worker (the shared local cluster). */
@Tag("cluster")
class StandaloneExecutorTest {
    private static LocalCluster cluster;
    private static Path workDir;
    private static StandaloneExecutor executor;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterFixture.cluster();
        workDir = Files.createTempDirectory("kindling-standalone-test");
        Files.writeString(workDir.resolve("people.json"), """
                {"name": "Ada", "age": 36}
                {"name": "Linus", "age": 19}
                {"name": "Grace", "age": 45}
                """);
        Path jar = ClusterFixture.appsJar(workDir);
        executor = ClusterFixture.executor(workDir, Map.of("jars", jar.toString()));
    }

    @AfterAll
    static void closeExecutor() {
        executor.close();
    }

    @Test
    void sqlAndClassTasksRunAsDriversThroughTheRunner() throws Exception {
        // a parameter marker: the runner binds the typed value it was sent
        TaskBody.Sql sql = new TaskBody.Sql(
                "SELECT name FROM people WHERE age > :min_age ORDER BY name",
                Optional.empty(),
                Map.of("people", new DataRef("json", "people.json", "error", Map.of())),
                Optional.of(new DataRef("parquet", "out/adults", "overwrite", Map.of())),
                Map.of("min_age", 21));
        AttemptRequest sqlRequest = request(workDir, "adults", sql);
        AttemptRequest classRequest = request(
                workDir,
                "count",
                new TaskBody.JavaClass(
                        "io.kindling.executor.standalone.apps.CountRange", Map.of("n", "1234", "out", "out/count")));
        List<String> submitted = new CopyOnWriteArrayList<>();

        AttemptHandle sqlHandle = executor.start(sqlRequest, submitted::add);
        AttemptHandle classHandle = executor.start(classRequest, submitted::add);

        assertThat(await(sqlHandle))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(await(classHandle))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(submitted).hasSize(2).allMatch(id -> id.startsWith("driver-"));
        assertThat(List.of(
                        sqlHandle.remoteId().orElseThrow(),
                        classHandle.remoteId().orElseThrow()))
                .containsExactlyInAnyOrderElementsOf(submitted);
        assertThat(drivers(cluster))
                .containsEntry(sqlHandle.remoteId().get(), "FINISHED")
                .containsEntry(classHandle.remoteId().get(), "FINISHED");
        assertThat(sqlHandle.sparkApplicationId())
                .hasValueSatisfying(id -> assertThat(id).startsWith("app-"));

        try (var parts = Files.list(workDir.resolve("out/adults"))) {
            assertThat(parts.map(p -> p.getFileName().toString()))
                    .contains("_SUCCESS")
                    .anyMatch(name -> name.endsWith(".parquet"));
        }
        assertThat(workDir.resolve("out/count/_SUCCESS")).exists();
        String log = Files.readString(sqlRequest.logFile());
        assertThat(log)
                .contains("submitted as " + sqlHandle.remoteId().get())
                .contains("driver log (stderr) from the worker")
                .contains("input people: json " + workDir.resolve("people.json"))
                .contains("statement 1 of 1")
                .contains("KINDLING-RESULT: SUCCEEDED")
                .contains("ended FINISHED");
        assertThat(Files.readString(classRequest.logFile())).contains("counted 1234 rows on the cluster");
        // the runner follows the attempt's job group inside the driver and reports its Spark metrics back
        AttemptResult counted = await(classHandle);
        assertThat(counted.sparkMetrics()).hasValueSatisfying(metrics -> {
            assertThat(metrics.outputRecords()).isEqualTo(1L);
            assertThat(metrics.outputBytes()).isPositive();
            assertThat(metrics.tasks().succeeded()).isPositive();
            assertThat(metrics.jobs().failed()).isZero();
        });
        assertThat(await(sqlHandle).sparkMetrics())
                .hasValueSatisfying(
                        metrics -> assertThat(metrics.outputRecords()).isPositive());
    }

    @Test
    void taskValuesGoToTheDriverAndComeBackThroughItsLog() throws Exception {
        TaskBody.Sql sql = new TaskBody.Sql(
                "SELECT :tasks.load.rows + 1 AS next, :tasks.load.name AS name",
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Map.of(),
                new io.kindling.dsl.SqlValues(Map.of(), true),
                Map.of("load", Map.of("rows", 41L, "name", "t")));

        AttemptResult result = await(executor.start(request(workDir, "values", sql)));

        assertThat(result.error()).isEmpty();
        assertThat(result.values()).isEqualTo(Map.of("next", 42L, "name", "t"));
    }

    @Test
    void aClassTaskRunsFromItsLibrariesOnAnExecutorWithoutJars() throws Exception {
        AttemptRequest base = request(
                workDir,
                "count-from-library",
                new TaskBody.JavaClass(
                        "io.kindling.executor.standalone.apps.CountRange",
                        Map.of("n", "77", "out", "out/count-library")));
        AttemptRequest request = new AttemptRequest(
                base.attemptId(),
                base.runId(),
                base.pipelineId(),
                base.taskId(),
                base.attemptNumber(),
                base.body(),
                base.params(),
                base.sparkConf(),
                base.logFile(),
                base.redactor(),
                List.of(ClusterFixture.appsJar(Files.createTempDirectory(workDir, "library"))));
        StandaloneExecutor withoutJars = ClusterFixture.executor(workDir, Map.of());
        try {
            assertThat(await(withoutJars.start(request)))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
        } finally {
            withoutJars.close();
        }
        assertThat(Files.readString(request.logFile())).contains("counted 77 rows on the cluster");
    }

    @Test
    void aFailingSqlTaskFailsWithTheRunnersErrorAndItsDriverLog() throws Exception {
        AttemptRequest request = request(
                workDir,
                "broken",
                new TaskBody.Sql("SELECT * FROM no_such_table", Optional.empty(), Map.of(), Optional.empty()));

        AttemptHandle handle = executor.start(request);
        AttemptResult result = await(handle);

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(
                        error -> assertThat(error).contains("statement 1 of 1").contains("no_such_table"));
        assertThat(drivers(cluster)).containsEntry(handle.remoteId().orElseThrow(), "FAILED");
        // it never got to run a Spark job, and says so with zeros rather than no figures
        assertThat(result.sparkMetrics())
                .hasValueSatisfying(
                        metrics -> assertThat(metrics.jobs().succeeded()).isZero());
        assertThat(Files.readString(request.logFile()))
                .contains("KINDLING-RESULT: FAILED")
                .contains("TABLE_OR_VIEW_NOT_FOUND")
                .contains("ended FAILED");
    }

    @Test
    void theRunnersSessionIsGuarded() throws Exception {
        AttemptRequest request = request(
                workDir,
                "reflect",
                new TaskBody.Sql(
                        "SELECT reflect('java.lang.System', 'getenv', 'HOME') AS home",
                        Optional.empty(),
                        Map.of(),
                        Optional.empty()));

        AttemptResult result = await(executor.start(request));

        assertThat(result.error())
                .hasValueSatisfying(error ->
                        assertThat(error).contains("Kindling's SQL guard refuses reflect(): it calls Java methods"));
        assertThat(Files.readString(request.logFile())).contains("KINDLING-RESULT: FAILED");
        // a task cannot turn the guard off: refused before anything is submitted
        AttemptRequest off = new AttemptRequest(
                request.attemptId() + "-off",
                request.runId(),
                request.pipelineId(),
                "off",
                1,
                request.body(),
                Map.of(),
                Map.of("spark.kindling.guard.enabled", "false"),
                workDir.resolve("off.log"));
        assertThat(await(executor.start(off)).error())
                .hasValueSatisfying(error -> assertThat(error)
                        .contains("refuses the task's spark_conf setting [spark.kindling.guard.enabled]"));
    }

    @Test
    void submitTasksRunTheUsersOwnApplication() throws Exception {
        Path marker = workDir.resolve("submit-marker.txt");
        AttemptHandle ok = executor.start(request(
                workDir,
                "app",
                new TaskBody.Submit(
                        workDir.resolve("apps.jar").toString(),
                        "io.kindling.executor.standalone.apps.WriteArgs",
                        List.of(marker.toString(), "hello", "2026-11-24"))));
        AttemptHandle failing = executor.start(request(
                workDir,
                "app-fails",
                new TaskBody.Submit(
                        "apps.jar", "io.kindling.executor.standalone.apps.WriteArgs", List.of("unused", "fail"))));

        assertThat(await(ok)).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(marker).hasContent("hello 2026-11-24");
        AttemptResult failed = await(failing);
        assertThat(failed.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(failed.error())
                .hasValueSatisfying(e ->
                        assertThat(e).contains(failing.remoteId().orElseThrow()).contains("failed"));
    }

    @Test
    void cancelKillsTheDriver() throws Exception {
        AttemptRequest request = request(
                workDir,
                "endless",
                new TaskBody.Sql(
                        "SELECT sum(id) FROM range(0, 500000000000, 1, 1)",
                        Optional.empty(),
                        Map.of(),
                        Optional.empty()));
        AttemptHandle handle = executor.start(request);
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> handle.remoteId().isPresent());
        String driver = handle.remoteId().get();
        awaitDriverState(cluster, driver, "RUNNING");
        // wait for the driver's Spark job to be under way, as a user would cancel a running query
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> Files.readString(request.logFile()).contains("statement 1 of 1"));

        handle.cancel("run cancelled");
        AttemptResult result = await(handle);

        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.cancelled("run cancelled"));
        assertThat(drivers(cluster)).containsEntry(driver, "KILLED");
        assertThat(Files.readString(request.logFile()))
                .contains("asked the master to kill " + driver)
                .contains("ended KILLED");
    }

    @Test
    void healthAsksTheMastersRestServer() {
        assertThat(executor.health().healthy()).isTrue();
        assertThat(executor.health().message()).contains(cluster.settings().masterUrl());

        StandaloneExecutor nowhere = ClusterFixture.executor(
                workDir,
                Map.of("master", "spark://127.0.0.1:1", "restUrl", "http://127.0.0.1:1", "connectTimeoutSeconds", "1"));
        try {
            assertThat(nowhere.health().healthy()).isFalse();
            assertThat(nowhere.health().message())
                    .contains("http://127.0.0.1:1")
                    .contains("cannot be reached");
            AttemptResult result = await(nowhere.start(request(
                    workDir,
                    "unreachable",
                    new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty()))));
            assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
            assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains("cannot be reached"));
        } finally {
            nowhere.close();
        }
    }
}
