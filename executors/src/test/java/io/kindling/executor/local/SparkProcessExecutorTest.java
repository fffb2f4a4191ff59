package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.local.tasks.CollectsTooMuch;
import io.kindling.executor.local.tasks.Exits;
import io.kindling.executor.local.tasks.IgnoresCancel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local executor with Spark in a child JVM ({@code mode: process}): a real process, killed for real. */
class SparkProcessExecutorTest {
    private static final String LONG_QUERY =
            "SELECT count(*) FROM range(0, 1000000000000, 1, 20000) WHERE hash(id) = 42";
    private static final Duration SPARK = Duration.ofMinutes(2);

    @TempDir
    static Path workDir;

    private static Executor executor;

    @BeforeAll
    static void start() {
        executor = new LocalSparkExecutorFactory()
                .create(new ExecutorConfig(
                        "isolated",
                        "local",
                        3,
                        workDir,
                        // event logs are zstd-compressed by default: plain text lets a test read an unfinished one
                        Map.of("spark.sql.shuffle.partitions", "2", "spark.eventLog.compress", "false"),
                        Map.of(
                                "master",
                                "local[2]",
                                "heap",
                                "512m",
                                "cancelGraceSeconds",
                                "3",
                                "eventLogDir",
                                "spark-events",
                                "historyServerUrl",
                                "http://127.0.0.1:18082")));
    }

    @AfterAll
    static void stop() {
        executor.close();
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive))
                .isEmpty();
    }

    private static AttemptResult resultOf(AttemptHandle handle) {
        return handle.result()
                .toCompletableFuture()
                .orTimeout(SPARK.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                .join();
    }

    private static AttemptRequest sqlAttempt(String id, String sql) {
        return request(id, sql(sql), workDir.resolve("logs/" + id + ".log"));
    }

    private static long sparkPid() {
        return await().atMost(SPARK)
                .until(((SparkProcessExecutor) executor)::pid, OptionalLong::isPresent)
                .getAsLong();
    }

    @Test
    void aClassTaskRunsFromItsLibrariesInTheChild() throws Exception {
        Path jar = TestJars.compile(
                Files.createDirectories(workDir.resolve("jars")).resolve("acme-tasks.jar"),
                LocalSparkExecutorLibrariesTest.SOURCES);
        AttemptRequest request = LocalSparkExecutorLibrariesTest.request(
                "out/doubles", java.util.List.of(jar), workDir.resolve("logs/doubles.log"));

        assertThat(resultOf(executor.start(request)))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(Files.readString(workDir.resolve("logs/doubles.log")))
                .contains("library " + jar)
                .contains("doubled by acme.Times2");
        try (var parts = Files.list(workDir.resolve("out/doubles"))) {
            assertThat(parts.map(p -> p.getFileName().toString())).contains("_SUCCESS");
        }
    }

    @Test
    void attemptsRunInTheChildTwoAtOnceWithTheirLogs() {
        AttemptRequest a = sqlAttempt("a", "SELECT 1 AS one");
        AttemptRequest b = sqlAttempt("b", "SELECT count(*) FROM range(100000)");
        AttemptHandle first = executor.start(a);
        AttemptHandle second = executor.start(b);

        assertThat(resultOf(first))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(resultOf(second))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(first.sparkApplicationId())
                .hasValueSatisfying(id -> assertThat(id).startsWith("local-"));
        assertThat(workDir.resolve("logs/b.log")).content().contains("attempt succeeded in");
        assertThat(sparkPid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(executor.health().message()).startsWith("Spark process " + sparkPid() + " up ");
        await().atMost(Duration.ofSeconds(20)).until(() -> executor.gauges().get("spark.process.heap.max.bytes") > 0);
    }

    @Test
    void taskValuesReachTheChildAndComeBack() {
        TaskBody.Sql body = new TaskBody.Sql(
                "SELECT :tasks.load.rows + 1 AS next, :tasks.load.name AS name",
                Optional.empty(),
                Map.of(),
                Optional.empty(),
                Map.of(),
                new io.kindling.dsl.SqlValues(Map.of(), true),
                Map.of("load", Map.of("rows", 41L, "name", "t")));
        AttemptResult result = resultOf(executor.start(request("values", body, workDir.resolve("logs/values.log"))));

        assertThat(result.error()).isEmpty();
        assertThat(result.values()).isEqualTo(Map.of("next", 42L, "name", "t"));
    }

    @Test
    void anAttemptsSparkMetricsComeBackFromTheChild() {
        Path out = workDir.resolve("out/range");
        AttemptHandle handle = executor.start(request(
                "metrics",
                sql(
                        "SELECT id FROM range(1000)",
                        Map.of(),
                        Optional.of(new DataRef("parquet", out.toString(), "overwrite", Map.of()))),
                workDir.resolve("logs/metrics.log")));

        AttemptResult result = resultOf(handle);

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        assertThat(result.sparkMetrics()).hasValueSatisfying(metrics -> {
            assertThat(metrics.outputRecords()).isEqualTo(1000L);
            assertThat(metrics.outputBytes()).isPositive();
            assertThat(metrics.tasks().succeeded()).isPositive();
        });
    }

    @Test
    void theWarmSessionsEventLogFindsAnAttemptsJobsByItsJobGroup() {
        AttemptRequest request = sqlAttempt("logged", "SELECT count(*) FROM range(10)");
        AttemptHandle handle = executor.start(request);

        assertThat(resultOf(handle).outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        String appId = handle.sparkApplicationId().orElseThrow();
        assertThat(executor.applicationUrl(appId))
                .contains(java.net.URI.create("http://127.0.0.1:18082/history/" + appId + "/jobs/"));
        // one long application: its rolled log has every attempt's jobs, each under the attempt's id as job group
        Path appLogs = workDir.resolve("spark-events/eventlog_v2_" + appId);
        String group = "\"spark.jobGroup.id\":\"" + request.attemptId() + "\"";
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (var files = Files.list(appLogs)) {
                return files.filter(f -> f.getFileName().toString().startsWith("events_"))
                        .anyMatch(f -> contains(f, group));
            }
        });
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aStreamRunsInTheChildStopsWhenCancelledAndTheNextResumesFromItsCheckpoint() throws Exception {
        Path landing = Files.createDirectories(workDir.resolve("landing"));
        Files.writeString(landing.resolve("a.json"), "{\"id\": 1}\n{\"id\": 2}\n");
        TaskBody.Stream streaming = stream(Optional.of(Duration.ofMillis(200)));
        AttemptHandle first = executor.start(request("stream", streaming, workDir.resolve("logs/stream-1.log")));
        await().atMost(SPARK)
                .until(() -> Files.exists(workDir.resolve("logs/stream-1.log"))
                        && Files.readString(workDir.resolve("logs/stream-1.log"))
                                .contains(": 2 rows"));

        first.cancel("cancelled by a test");

        assertThat(resultOf(first).outcome()).isEqualTo(AttemptResult.Outcome.CANCELLED);
        assertThat(workDir.resolve("logs/stream-1.log"))
                .content()
                .contains("checkpoint " + workDir.resolve("checkpoints/test_pipeline/stream"))
                .contains("stopping streaming query")
                .contains("attempt cancelled");
        // the next attempt of the task reads only the file the first had not
        Files.writeString(landing.resolve("b.json"), "{\"id\": 3}\n");
        AttemptHandle second =
                executor.start(request("stream", stream(Optional.empty()), workDir.resolve("logs/stream-2.log")));
        assertThat(resultOf(second).outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        assertThat(workDir.resolve("logs/stream-2.log"))
                .content()
                .contains(": 1 rows")
                .doesNotContain(": 2 rows", ": 3 rows")
                .contains("available_now");
    }

    private static TaskBody.Stream stream(Optional<Duration> interval) {
        return new TaskBody.Stream(
                new DataRef("json", "landing", "error", Map.of()),
                Optional.of("id INT"),
                "SELECT id * 10 AS id FROM source",
                new DataRef("parquet", "out/stream", "append", Map.of()),
                interval,
                Optional.empty(),
                Map.of());
    }

    @Test
    void aTaskThatExitsFailsItsAttemptAndTheNextOneRuns() {
        AttemptRequest exits = request(
                "exits",
                new TaskBody.JavaClass(Exits.class.getName(), Map.of("status", "3")),
                workDir.resolve("logs/exits.log"));

        AttemptResult result = resultOf(executor.start(exits));

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(error -> assertThat(error)
                        .startsWith("the Spark process exited with status 3")
                        .endsWith("the attempt is retried by its policy"));
        assertThat(workDir.resolve("logs/exits.log")).content().contains("the Spark process exited with status 3");
        assertThat(resultOf(executor.start(sqlAttempt("after-exit", "SELECT 1"))))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(executor.gauges().get("spark.process.restarts")).isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void runningOutOfMemoryIsSaidSo() {
        AttemptResult result = resultOf(executor.start(
                sqlAttempt("oom", "SELECT size(collect_list(repeat('x', 1000000))) AS n FROM range(200000)")));

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error())
                .hasValue("the Spark process ran out of memory (heap 512m); the attempt is " + "retried by its policy");
        assertThat(resultOf(executor.start(sqlAttempt("after-oom", "SELECT 1"))))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
    }

    @Test
    void aCollectTooBigForTheHeapFailsWithSparksErrorAndTheProcessStays() {
        double restarts = executor.gauges().get("spark.process.restarts");
        AttemptResult result = resultOf(executor.start(request(
                "collects",
                new TaskBody.JavaClass(CollectsTooMuch.class.getName(), Map.of()),
                workDir.resolve("logs/c.log"))));

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error())
                .hasValueSatisfying(error -> assertThat(error).contains("spark.driver.maxResultSize (64.0 MiB)"));
        assertThat(executor.gauges().get("spark.process.restarts")).isEqualTo(restarts);
    }

    @Test
    void aKilledProcessFailsItsAttemptsWithTheSignal() throws Exception {
        AttemptRequest running = sqlAttempt("killed", LONG_QUERY);
        AttemptHandle handle = executor.start(running);
        await().atMost(SPARK)
                .until(() -> Files.exists(running.logFile())
                        && Files.readString(running.logFile()).contains(" started ("));

        ProcessHandle.of(sparkPid()).orElseThrow().destroyForcibly();

        AttemptResult result = resultOf(handle);
        assertThat(result.error())
                .hasValue("the Spark process was killed by signal 9; the attempt is retried by " + "its policy");
        assertThat(resultOf(executor.start(sqlAttempt("after-kill", "SELECT 1"))))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
    }

    @Test
    void cancelStopsALongQueryAndTheProcessStays() {
        AttemptRequest running = sqlAttempt("cancelled", LONG_QUERY);
        AttemptHandle handle = executor.start(running);
        await().atMost(SPARK)
                .until(() -> Files.exists(running.logFile())
                        && Files.readString(running.logFile()).contains(" started ("));
        long pid = sparkPid();

        handle.cancel("timed out after 1h");

        assertThat(handle.result()
                        .toCompletableFuture()
                        .orTimeout(20, java.util.concurrent.TimeUnit.SECONDS)
                        .join())
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.cancelled("timed out after 1h"));
        assertThat(sparkPid()).isEqualTo(pid);
    }

    @Test
    void anAttemptThatIgnoresCancelGetsTheProcessRestarted() {
        AttemptRequest ignoresCancel = request(
                "stubborn",
                new TaskBody.JavaClass(IgnoresCancel.class.getName(), Map.of()),
                workDir.resolve("logs/stubborn.log"));
        AttemptHandle stubborn = executor.start(ignoresCancel);
        AttemptRequest bystander = sqlAttempt("bystander", LONG_QUERY);
        AttemptHandle other = executor.start(bystander);
        await().atMost(SPARK)
                .until(() -> Files.exists(bystander.logFile())
                        && Files.readString(bystander.logFile()).contains(" started ("));
        long pid = sparkPid();

        stubborn.cancel("cancelled by ops");

        CompletableFuture<AttemptResult> result = stubborn.result().toCompletableFuture();
        assertThat(result.orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join())
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.cancelled("cancelled by ops"));
        assertThat(resultOf(other).error())
                .hasValue("the Spark process was restarted: attempt "
                        + ignoresCancel.attemptId()
                        + " did not stop within 3 s of being cancelled; the attempt is retried by "
                        + "its policy");
        await().atMost(SPARK).until(() -> sparkPid() != pid);
    }
}
