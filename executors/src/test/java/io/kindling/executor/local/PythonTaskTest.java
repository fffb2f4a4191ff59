package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.awaitResult;
import static io.kindling.executor.local.SharedSpark.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.SparkMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.JobExecutionStatus;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Python tasks on real PySpark (the pinned pyspark-client of the test venv) through this JVM's Connect server. */
class PythonTaskTest {
    private static final Duration PROMPTLY = Duration.ofSeconds(20);

    @TempDir
    static Path workDir;

    private static LocalSparkExecutor executor;
    private static String python;

    @BeforeAll
    static void start() {
        python = TestPython.interpreter();
        SharedSpark.executor();
        executor = SharedSpark.newExecutor("py", workDir, Map.of("python", python, "allowedRoots", workDir.toString()));
    }

    @AfterAll
    static void stop() {
        executor.close();
    }

    private static Path script(String name, String... lines) throws IOException {
        Path file = workDir.resolve("jobs").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    }

    private static TaskBody.Python file(Path script, String... args) {
        return new TaskBody.Python(Optional.of(script), Optional.empty(), List.of(args), run());
    }

    private static Map<String, String> run() {
        return Map.of(
                "pipeline", "test_pipeline",
                "run_id", "run-1",
                "logical_time", "2026-03-28T02:30:00+01:00",
                "ds", "2026-03-28");
    }

    private static AttemptRequest request(String taskId, TaskBody body) {
        return new AttemptRequest(
                taskId + "-" + UUID.randomUUID(),
                "run-1",
                "test_pipeline",
                taskId,
                2,
                body,
                Map.of("min_age", "21"),
                Map.of(),
                workDir.resolve("logs").resolve(taskId + ".log"));
    }

    @Test
    void aScriptReadsJsonFiltersAndWritesParquet() throws IOException {
        SharedSpark.writePeople(workDir.resolve("data/people.json"));
        Path job = script(
                "adults.py",
                "import sys",
                "min_age = int(kindling.params['min_age'])",
                "people = spark.read.json(sys.argv[2])",
                "adults = people.where(people.age > min_age).select('name.first', 'age')",
                "adults.write.mode('overwrite').parquet(sys.argv[1])",
                "kindling.log('wrote', adults.count(), 'adults for', kindling.ds, 'of run', kindling.run_id)");

        // absolute paths: this executor runs Spark in the test's JVM, whose folder is not workDir (mode: process is
        // in the scheduler's PythonTaskE2ETest)
        AttemptRequest request = request(
                "adults",
                file(
                        job,
                        workDir.resolve("data/out/adults").toString(),
                        workDir.resolve("data/people.json").toString()));
        AttemptResult result = awaitResult(executor.start(request));

        assertThat(result.error()).isEmpty();
        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        List<String> names = SharedSpark.spark()
                .read()
                .parquet(workDir.resolve("data/out/adults").toString())
                .orderBy("age")
                .as(org.apache.spark.sql.Encoders.tuple(
                        org.apache.spark.sql.Encoders.STRING(), org.apache.spark.sql.Encoders.LONG()))
                .collectAsList()
                .stream()
                .map(t -> t._1())
                .toList();
        assertThat(names).containsExactly("Ada", "Alan", "Grace");
        // the Spark work of the attempt's Connect session is the attempt's, as a SQL attempt's job group is
        SparkMetrics metrics = result.sparkMetrics().orElseThrow();
        assertThat(metrics.outputRecords()).isEqualTo(3L);
        assertThat(metrics.inputRecords()).isPositive();
        assertThat(metrics.jobs().succeeded()).isGreaterThanOrEqualTo(2); // the write and the count, at least
        assertThat(metrics.tasks().succeeded()).isPositive();
        assertThat(read(request.logFile()))
                .contains("wrote 3 adults for 2026-03-28 of run run-1")
                .containsPattern("Spark job \\d+ succeeded")
                .contains("python " + job)
                .contains("Connect session");
    }

    @Test
    void aModuleGetsItsArgsTheRunAndTheAttempt() throws IOException {
        Path pkg = workDir.resolve("mypkg");
        Files.createDirectories(pkg);
        Files.writeString(pkg.resolve("__init__.py"), "");
        Files.writeString(
                pkg.resolve("report.py"),
                String.join(
                        "\n",
                        List.of(
                                "import sys, kindling",
                                "print('argv', sys.argv[1:])",
                                "print('run', kindling.pipeline, kindling.run_id, kindling.logical_time.isoformat(), kindling.task_id,"
                                        + " kindling.attempt)",
                                "print('same session', kindling.spark is spark, spark.range(5).count())",
                                "")));

        AttemptRequest request = request(
                "report",
                new TaskBody.Python(Optional.empty(), Optional.of("mypkg.report"), List.of("a", "b c"), run()));
        AttemptResult result = awaitResult(executor.start(request));

        assertThat(result.error()).isEmpty();
        assertThat(read(request.logFile()))
                .contains("argv ['a', 'b c']")
                .contains("run test_pipeline run-1 2026-03-28T02:30:00+01:00 report 2")
                .contains("same session True 5");
    }

    @Test
    void viewsAndSettingsDoNotLeakFromOneAttemptToTheNext() throws IOException {
        Path first = script(
                "first.py",
                "spark.range(3).createOrReplaceTempView('leaky')",
                "spark.conf.set('spark.sql.shuffle.partitions', '7')");
        Path second = script(
                "second.py",
                "print('views', [t.name for t in spark.catalog.listTables()])",
                "print('partitions', spark.conf.get('spark.sql.shuffle.partitions'))");

        assertThat(awaitResult(executor.start(request("first", file(first)))).error())
                .isEmpty();
        AttemptRequest request = request("second", file(second));
        assertThat(awaitResult(executor.start(request)).error()).isEmpty();

        assertThat(read(request.logFile())).contains("views []").doesNotContain("partitions 7");
    }

    @Test
    void aScriptPublishesTaskValuesTheLastSetOfANameWins() throws IOException {
        Path job = script(
                "values.py",
                "kindling.set_value('rows', 0)",
                "kindling.set_value('rows', spark.range(5).count())",
                "kindling.set_value('table', 'sales_' + kindling.ds.replace('-', ''))",
                "kindling.set_value('meta', {'ratio': 0.5, 'tags': ['a', 'b'], 'ok': True, 'none': None})");
        Path badName = script("bad_name.py", "kindling.set_value('1st', 1)");

        AttemptResult result = awaitResult(executor.start(request("values", file(job))));
        AttemptResult bad = awaitResult(executor.start(request("bad_name", file(badName))));

        assertThat(result.error()).isEmpty();
        assertThat(result.values())
                .containsEntry("rows", 5L)
                .containsEntry("table", "sales_20260328")
                .containsKey("meta");
        assertThat(result.values().get("meta").toString()).contains("ratio=0.5").contains("tags=[a, b]");
        assertThat(bad.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(bad.error().orElseThrow())
                .contains("kindling.set_value")
                .contains("'1st' is not a valid task value");
    }

    @Test
    void aFailingScriptFailsTheAttemptWithTheExceptionsLine() throws IOException {
        Path job = script("fails.py", "def check(n):", "    raise ValueError(f'expected rows, got {n}')", "check(0)");

        AttemptRequest request = request("fails", file(job));
        AttemptResult result = awaitResult(executor.start(request));

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error()).contains("ValueError: expected rows, got 0");
        assertThat(read(request.logFile()))
                .contains("Traceback (most recent call last)")
                .contains("fails.py\", line 2, in check");
    }

    @Test
    void aSparkErrorAndANonZeroExitFailTheAttempt() throws IOException {
        Path missing = script("missing.py", "spark.table('no_such_table').count()");
        Path exits = script("exits.py", "import sys", "sys.exit(4)");

        AttemptResult sparkError = awaitResult(executor.start(request("missing", file(missing))));
        AttemptResult exit = awaitResult(executor.start(request("exits", file(exits))));

        assertThat(sparkError.error().orElseThrow())
                .contains("AnalysisException")
                .contains("no_such_table");
        assertThat(exit.error()).contains("the script exited with status 4");
    }

    @Test
    void cancelInterruptsTheSparkJobAndKillsThePythonProcess() throws Exception {
        Path pidFile = workDir.resolve("long.pid");
        Path job = script(
                "long.py",
                "import os",
                "open('long.pid', 'w').write(str(os.getpid()))",
                "spark.range(0, 1000000000000, 1, 20000).where('hash(id) = 42').count()");
        JavaSparkStatusTracker tracker = JavaSparkContext.fromSparkContext(
                        SharedSpark.spark().sparkContext())
                .statusTracker();

        AttemptRequest request = request("long", file(job));
        AttemptHandle handle = executor.start(request);
        int[] jobs = await().atMost(Duration.ofMinutes(2))
                .until(tracker::getActiveJobIds, ids -> ids.length > 0 && Files.exists(pidFile));
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(pid)).isPresent();

        handle.cancel("timed out after 1h");

        AttemptResult result = handle.result().toCompletableFuture().get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.CANCELLED);
        await().atMost(PROMPTLY)
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        await().atMost(PROMPTLY)
                .untilAsserted(() -> assertThat(Arrays.stream(jobs).mapToObj(tracker::getJobInfo))
                        .allSatisfy(info -> assertThat(info.status()).isEqualTo(JobExecutionStatus.FAILED)));
        assertThat(tracker.getActiveJobIds()).isEmpty();
        assertThat(read(request.logFile())).contains("cancel requested: timed out after 1h");
    }

    @Test
    void withoutPythonOnlyPythonTasksFailSayingWhatToInstall() throws IOException {
        LocalSparkExecutor none = SharedSpark.newExecutor(
                "no-python",
                workDir,
                Map.of("python", workDir.resolve("no/bin/python").toString()));
        try {
            Path job = script("never.py", "print('never')");
            AttemptResult result = awaitResult(none.start(request("never", file(job))));

            assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
            assertThat(result.error().orElseThrow())
                    .contains("executor 'no-python' cannot start Python '" + workDir.resolve("no/bin/python"))
                    .contains("pyspark-client==" + SharedSpark.spark().version())
                    .contains("bin/kindling-python-env")
                    .contains("options: {python: DIR/bin/python}");
            assertThat(awaitResult(none.start(SharedSpark.request(
                                    "sql", SharedSpark.sql("SELECT 1"), workDir.resolve("logs/sql.log"))))
                            .outcome())
                    .isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        } finally {
            none.close();
        }
    }

    @Test
    void aPythonWithoutPySparkFailsSayingWhatToInstall() throws IOException {
        // the test venv's Python without its site-packages: a Python without PySpark
        Path noSite = workDir.resolve("python-no-site");
        Files.writeString(noSite, "#!/bin/sh\nexec " + python + " -S \"$@\"\n");
        noSite.toFile().setExecutable(true);
        LocalSparkExecutor bare = SharedSpark.newExecutor("bare", workDir, Map.of("python", noSite.toString()));
        try {
            Path job = script("bare.py", "print('never')");
            AttemptResult result = awaitResult(bare.start(request("bare", file(job))));

            assertThat(result.error().orElseThrow())
                    .contains("cannot import pyspark")
                    .contains("bin/kindling-python-env");
        } finally {
            bare.close();
        }
    }
}
