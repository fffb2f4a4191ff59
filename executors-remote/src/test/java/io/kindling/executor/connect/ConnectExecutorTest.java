package io.kindling.executor.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.cluster.LocalCluster;
import io.kindling.cluster.SharedCluster;
import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The spark-connect executor against the real Spark Connect server of the shared local cluster. */
@Tag("cluster")
class ConnectExecutorTest {
    private static LocalCluster cluster;
    private static Path workDir;
    private static ConnectExecutor executor;

    @BeforeAll
    static void start() throws Exception {
        cluster = SharedCluster.get();
        workDir = Files.createTempDirectory("kindling-connect-test");
        Files.writeString(workDir.resolve("people.json"), """
                {"name": "Ada", "age": 36}
                {"name": "Linus", "age": 19}
                {"name": "Grace", "age": 45}
                """);
        executor = executor(cluster.settings().connectUrl());
    }

    @AfterAll
    static void close() {
        executor.close();
    }

    private static ConnectExecutor executor(String url) {
        return new ConnectExecutor(
                new ExecutorConfig(
                        "connect",
                        ConnectExecutorFactory.TYPE,
                        2,
                        workDir,
                        Map.of("spark.sql.shuffle.partitions", "2"),
                        Map.of("url", url, "cancelGraceSeconds", "60", "connectTimeoutSeconds", "1")),
                Clock.systemUTC());
    }

    @Test
    void sqlWithInputsWritesParquetThroughTheServer() throws Exception {
        AttemptRequest request = request(
                "adults",
                new TaskBody.Sql(
                        "SELECT name, age FROM people WHERE age > 21; SELECT upper(name) AS name FROM people WHERE age > 21",
                        Optional.empty(),
                        Map.of("people", new DataRef("json", "people.json", "error", Map.of())),
                        Optional.of(new DataRef("parquet", "out/adults", "overwrite", Map.of()))));
        List<String> sessions = new CopyOnWriteArrayList<>();

        AttemptHandle handle = executor.start(request, sessions::add);

        AttemptResult result = await(handle);
        assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        // what the server's responses tell: the rows the write wrote (counted on the way there)
        assertThat(result.sparkMetrics()).hasValueSatisfying(metrics -> {
            assertThat(metrics.outputRecords()).isEqualTo(2L);
            assertThat(metrics.tasks()).isNull(); // not told by Connect: absent, never zero
            assertThat(metrics.outputBytes()).isNull();
            assertThat(metrics.executorRunTimeMs()).isNull();
        });
        assertThat(sessions).hasSize(2); // one operation a statement, recorded before it starts
        assertThat(handle.remoteId()).contains(sessions.get(1));
        ConnectOperation first = ConnectOperation.parse(sessions.get(0));
        ConnectOperation last = ConnectOperation.parse(sessions.get(1));
        assertThat(first.statement()).isEqualTo(1);
        assertThat(last.statement()).isEqualTo(2);
        assertThat(last.sessionId()).isEqualTo(first.sessionId());
        assertThat(last.operationId()).isNotEqualTo(first.operationId());
        try (var files = Files.list(workDir.resolve("out/adults"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains("_SUCCESS")
                    .anyMatch(name -> name.endsWith(".parquet"));
        }
        assertThat(Files.readString(request.logFile()))
                .contains("Spark Connect session " + first.sessionId())
                .contains("input people: json " + workDir.resolve("people.json"))
                .contains("statement 2 of 2")
                .contains("output written: parquet " + workDir.resolve("out/adults"));
    }

    @Test
    void aThousandRowsWrittenThroughTheServerAreCounted() {
        AttemptResult result = await(executor.start(request(
                "thousand",
                new TaskBody.Sql(
                        "SELECT id FROM range(1000)",
                        Optional.empty(),
                        Map.of(),
                        Optional.of(new DataRef("parquet", "out/thousand", "overwrite", Map.of()))))));

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        assertThat(result.sparkMetrics())
                .hasValueSatisfying(
                        metrics -> assertThat(metrics.outputRecords()).isEqualTo(1000L));
    }

    @Test
    void aQueryWithoutOutputIsPreviewedInTheLog() throws Exception {
        AttemptRequest request = request(
                "preview", new TaskBody.Sql("SELECT 40 + 2 AS answer", Optional.empty(), Map.of(), Optional.empty()));

        assertThat(await(executor.start(request)))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(Files.readString(request.logFile()))
                .contains("the last statement returned:")
                .contains("answer")
                .contains("42");
    }

    @Test
    void parameterMarkersBindTypedLiteralsOnTheServer() throws Exception {
        AttemptRequest request = request(
                "markers",
                new TaskBody.Sql(
                        "SELECT :name AS name, :n + 1 AS n, date_add(:day, 1) AS next_day, array_contains(:tables, 'b') AS b",
                        Optional.empty(),
                        Map.of(),
                        Optional.empty(),
                        Map.of(
                                "name",
                                "x' OR '1'='1",
                                "n",
                                41,
                                "day",
                                java.time.LocalDate.of(2026, 12, 3),
                                "tables",
                                List.of("a", "b"))));

        assertThat(await(executor.start(request)))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(Files.readString(request.logFile()))
                .contains("the last statement returned:")
                .contains("x' OR '1'='1")
                .contains("42")
                .contains("2026-12-04")
                .contains("true");
    }

    @Test
    void aFailingStatementFailsTheAttemptWithTheServersMessage() {
        AttemptResult result = await(executor.start(request(
                "broken",
                new TaskBody.Sql("SELECT * FROM no_such_table", Optional.empty(), Map.of(), Optional.empty()))));

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(
                        e -> assertThat(e).contains("TABLE_OR_VIEW_NOT_FOUND").contains("no_such_table"));
    }

    @Test
    void theServerOfTheLocalClusterIsGuarded() {
        AttemptResult result = await(executor.start(request(
                "reflect",
                new TaskBody.Sql(
                        "SELECT reflect('java.lang.System', 'getenv', 'HOME') AS home",
                        Optional.empty(),
                        Map.of(),
                        Optional.empty()))));

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(
                        e -> assertThat(e).contains("Kindling's SQL guard refuses reflect(): it calls Java methods"));
        String run = "run-" + UUID.randomUUID().toString().substring(0, 8);
        AttemptResult off = await(executor.start(new AttemptRequest(
                run + ".off.1",
                run,
                "connect-test",
                "off",
                1,
                new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty()),
                Map.of(),
                Map.of("spark.kindling.guard.enabled", "false"),
                workDir.resolve("logs/" + run + "-off.log"))));
        assertThat(off.error())
                .hasValueSatisfying(
                        e -> assertThat(e).contains("refuses the spark_conf setting [spark.kindling.guard.enabled]"));
    }

    @Test
    void cancelInterruptsTheOperationOnTheServer() throws Exception {
        AttemptRequest request = request(
                "endless",
                new TaskBody.Sql(
                        "SELECT sum(id) FROM range(0, 500000000000, 1, 2)",
                        Optional.empty(),
                        Map.of(),
                        Optional.empty()));
        AttemptHandle handle = executor.start(request);
        Awaitility.await()
                .atMost(Duration.ofMinutes(1))
                .until(() -> Files.exists(request.logFile())
                        && Files.readString(request.logFile()).contains("statement 1 of 1"));

        long cancelled = System.nanoTime();
        handle.cancel("run cancelled");
        AttemptResult result = await(handle);

        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.cancelled("run cancelled"));
        // well within the 60 s grace period: the server stopped the operation
        assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofSeconds(30));
        assertThat(Files.readString(request.logFile()))
                .contains("interrupting the session's operations")
                .doesNotContain("did not stop within");
        // the server is free for the next attempt
        assertThat(await(executor.start(
                        request("after", new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty())))))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
    }

    @Test
    void onlySqlAndPythonTasksRunAMissingLibraryFailsAndAnUnreachableServerFailsItsHealthCheck() {
        AttemptResult result =
                await(executor.start(request("class", new TaskBody.JavaClass("com.example.Task", Map.of()))));
        assertThat(result.error())
                .hasValueSatisfying(e -> assertThat(e).contains("runs sql, python and notebook tasks"));
        AttemptRequest sql =
                request("with-library", new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty()));
        AttemptResult withLibrary = await(executor.start(new AttemptRequest(
                sql.attemptId(),
                sql.runId(),
                sql.pipelineId(),
                sql.taskId(),
                sql.attemptNumber(),
                sql.body(),
                sql.params(),
                sql.sparkConf(),
                sql.logFile(),
                sql.redactor(),
                List.of(Path.of("udfs.jar")))));
        // a jar gone since its pipeline was loaded: said, before anything runs without it
        assertThat(withLibrary.error())
                .hasValueSatisfying(e -> assertThat(e).startsWith("library udfs.jar cannot be read: "));

        assertThat(executor.health().healthy()).isTrue();
        ConnectExecutor nowhere = executor("sc://127.0.0.1:1");
        try {
            assertThat(nowhere.health().healthy()).isFalse();
            assertThat(nowhere.health().message()).contains("sc://127.0.0.1:1").contains("cannot be reached");
            AttemptResult unreachable = await(nowhere.start(
                    request("nowhere", new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty()))));
            assertThat(unreachable.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
            assertThat(unreachable.error())
                    .hasValueSatisfying(e -> assertThat(e).contains("cannot be reached"));
        } finally {
            nowhere.close();
        }
    }

    private static AttemptRequest request(String taskId, TaskBody body) {
        return ConnectAttempts.request("connect-test", workDir, taskId, body);
    }

    private static AttemptResult await(AttemptHandle handle) {
        return ConnectAttempts.await(handle, Duration.ofMinutes(2));
    }
}
