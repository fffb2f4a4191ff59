package io.kindling.executor.connect;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Re-attach through Spark Connect, on the shared cluster's real server: an executor that started an operation goes
 * away (as with a daemon restart: its connection dropped, nothing released), and a new one follows the same
 * operation to its end by the remote id the first one recorded, then runs the statements after it.
 */
@Tag("cluster")
class ConnectAttachTest {
    /** Seconds of work for two cores, far more than a detach and an attach take. */
    private static final String LONG_SUM = "SELECT sum(id % 10) AS total FROM range(0, 8000000000, 1, 2)";

    private static final String TOTAL = "36000000000";

    private static String url;
    private static Path workDir;

    @BeforeAll
    static void start() throws Exception {
        url = SharedCluster.get().settings().connectUrl();
        workDir = Files.createTempDirectory("kindling-connect-attach-test");
        Files.writeString(workDir.resolve("people.json"), """
                {"name": "Ada"}
                {"name": "Grace"}
                """);
    }

    @Test
    void aNewExecutorFollowsTheWriteAnotherStartedAndTheOutputIsWrittenOnce() throws Exception {
        // "error" mode: a second run of the write would fail on the existing output
        AttemptRequest request = request(
                "total",
                new TaskBody.Sql(
                        LONG_SUM,
                        Optional.empty(),
                        Map.of(),
                        Optional.of(new DataRef("parquet", "out/total", "error", Map.of()))));
        List<String> recorded = new CopyOnWriteArrayList<>();

        ConnectExecutor first = executor();
        first.start(request, recorded::add);
        awaitLog(request, "runs on the server");
        first.close(); // the daemon dies while the operation runs on the server
        assertThat(recorded).hasSize(1);
        ConnectOperation operation = ConnectOperation.parse(recorded.get(0));
        assertThat(operation.statement()).isEqualTo(1);

        ConnectExecutor second = executor();
        try {
            assertThat(second.canAttach()).isTrue();
            AttemptHandle attached = second.attach(request, recorded.get(0));

            assertThat(await(attached))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
            assertThat(attached.remoteId()).contains(recorded.get(0));
            assertThat(parquetFiles("out/total")).hasSize(1); // the single row's one partition
            assertThat(workDir.resolve("out/total/_SUCCESS")).exists();
            assertThat(Files.readString(request.logFile()))
                    .containsOnlyOnce("statement 1 of 1 (operation " + operation.operationId() + ")")
                    .contains("Kindling stops: the operation goes on on the server")
                    .contains("re-attaching after a restart of Kindling: operation " + operation.operationId())
                    .contains("statement 1 of 1 (followed again)")
                    .contains("output written: parquet")
                    .contains("attempt succeeded");
            // the sum the followed operation wrote, read by a new attempt
            AttemptRequest check = request(
                    "check",
                    new TaskBody.Sql(
                            "SELECT total FROM result",
                            Optional.empty(),
                            Map.of("result", new DataRef("parquet", "out/total", "error", Map.of())),
                            Optional.empty()));
            assertThat(await(second.start(check)))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
            assertThat(Files.readString(check.logFile())).contains("" + TOTAL + "");
        } finally {
            second.close();
        }
    }

    @Test
    void theStatementsAfterTheFollowedOneRunInTheSameSession() throws Exception {
        // statement 1 (eager: CACHE TABLE) is long; statement 2 needs its table and the input view of the session
        AttemptRequest request = request(
                "joined",
                new TaskBody.Sql(
                        "CACHE TABLE slow AS " + LONG_SUM + ";\n"
                                + "SELECT name, total FROM people CROSS JOIN slow ORDER BY name",
                        Optional.empty(),
                        Map.of("people", new DataRef("json", "people.json", "error", Map.of())),
                        Optional.of(new DataRef("json", "out/joined", "error", Map.of()))));
        List<String> recorded = new CopyOnWriteArrayList<>();

        ConnectExecutor first = executor();
        first.start(request, recorded::add);
        awaitLog(request, "runs on the server");
        first.close();
        assertThat(recorded).hasSize(1);

        ConnectExecutor second = executor();
        try {
            AttemptHandle attached = second.attach(request, recorded.get(0), recorded::add);

            assertThat(await(attached))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
            // statement 2's operation was recorded before it started, in the same session
            assertThat(recorded).hasSize(2);
            ConnectOperation next = ConnectOperation.parse(recorded.get(1));
            assertThat(next.statement()).isEqualTo(2);
            assertThat(next.sessionId())
                    .isEqualTo(ConnectOperation.parse(recorded.get(0)).sessionId());
            assertThat(attached.remoteId()).contains(recorded.get(1));
            String lines;
            try (Stream<Path> files = Files.list(workDir.resolve("out/joined"))) {
                lines = String.join(
                        "",
                        files.filter(p -> p.getFileName().toString().startsWith("part-"))
                                .sorted()
                                .map(ConnectAttachTest::read)
                                .toList());
            }
            assertThat(lines)
                    .contains("{\"name\":\"Ada\",\"total\":" + TOTAL + "}")
                    .contains("{\"name\":\"Grace\",\"total\":" + TOTAL + "}");
            assertThat(Files.readString(request.logFile()))
                    .contains("statement 1 of 2 (followed again)")
                    .contains("statement 2 of 2 (operation")
                    .contains("attempt succeeded");
        } finally {
            second.close();
        }
    }

    @Test
    void aFollowedQueryWithoutOutputIsPreviewedFromTheWholeStream() throws Exception {
        AttemptRequest request =
                request("preview", new TaskBody.Sql(LONG_SUM, Optional.empty(), Map.of(), Optional.empty()));
        List<String> recorded = new CopyOnWriteArrayList<>();

        ConnectExecutor first = executor();
        first.start(request, recorded::add);
        awaitLog(request, "runs on the server");
        first.close();

        ConnectExecutor second = executor();
        try {
            assertThat(await(second.attach(request, recorded.get(0))))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
            assertThat(Files.readString(request.logFile()))
                    .contains("the last statement returned:")
                    .contains("total")
                    .contains(TOTAL);
        } finally {
            second.close();
        }
    }

    @Test
    void anOperationTheServerDoesNotKnowFailsAsNotFound() throws Exception {
        ConnectExecutor executor = executor();
        try {
            // a session the server never saw, then a real session with an operation it never ran
            String unknownSession = new ConnectOperation(
                            UUID.randomUUID().toString(),
                            System.getProperty("user.name"),
                            UUID.randomUUID().toString(),
                            1)
                    .encode();
            AttemptResult lostSession = await(executor.attach(
                    request("lost", new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty())),
                    unknownSession));
            assertThat(lostSession.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
            assertThat(lostSession.error())
                    .hasValueSatisfying(e -> assertThat(e).startsWith("remote job not found"));

            List<String> recorded = new CopyOnWriteArrayList<>();
            assertThat(await(executor.start(
                            request("real", new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty())),
                            recorded::add)))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
            ConnectOperation ended = ConnectOperation.parse(recorded.get(0));
            String unknownOperation = new ConnectOperation(
                            ended.sessionId(), ended.userId(), UUID.randomUUID().toString(), 1)
                    .encode();
            AttemptResult lostOperation = await(executor.attach(
                    request("lost2", new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty())),
                    unknownOperation));
            assertThat(lostOperation.error())
                    .hasValueSatisfying(e -> assertThat(e).startsWith("remote job not found"));

            AttemptResult notAnId = await(executor.attach(
                    request("old", new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty())),
                    UUID.randomUUID().toString()));
            assertThat(notAnId.error())
                    .hasValueSatisfying(e -> assertThat(e)
                            .startsWith("remote job not found")
                            .contains("names no Spark Connect operation"));
        } finally {
            executor.close();
        }
    }

    private static ConnectExecutor executor() {
        return new ConnectExecutor(
                new ExecutorConfig(
                        "connect",
                        ConnectExecutorFactory.TYPE,
                        2,
                        workDir,
                        Map.of("spark.sql.shuffle.partitions", "1"),
                        Map.of("url", url, "cancelGraceSeconds", "60", "connectTimeoutSeconds", "1")),
                Clock.systemUTC());
    }

    private static List<Path> parquetFiles(String dir) throws Exception {
        try (Stream<Path> files = Files.list(workDir.resolve(dir))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("part-") && n.endsWith(".parquet"))
                    .map(Path::of)
                    .toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void awaitLog(AttemptRequest request, String text) {
        Awaitility.await()
                .atMost(Duration.ofMinutes(1))
                .until(() -> Files.exists(request.logFile())
                        && Files.readString(request.logFile()).contains(text));
    }

    private static AttemptRequest request(String taskId, TaskBody body) {
        return ConnectAttempts.request("connect-attach-test", workDir, taskId, body);
    }

    private static AttemptResult await(AttemptHandle handle) {
        return ConnectAttempts.await(handle, Duration.ofMinutes(4));
    }
}
