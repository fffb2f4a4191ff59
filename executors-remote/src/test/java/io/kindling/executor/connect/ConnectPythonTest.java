package io.kindling.executor.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.cluster.SharedCluster;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.standalone.ClusterFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Python tasks on the spark-connect executor: the script runs in a local Python process (the pinned pyspark-client
 * of the test venv) on a session of the shared cluster's real Spark Connect server that the executor opened with the
 * attempt's settings.
 */
@Tag("cluster")
class ConnectPythonTest {
    private static Path workDir;
    private static ConnectExecutor executor;

    @BeforeAll
    static void start() throws IOException {
        workDir = Files.createTempDirectory("kindling-connect-python");
        Files.writeString(workDir.resolve("people.json"), """
                {"name": "Ada", "age": 36}
                {"name": "Linus", "age": 19}
                {"name": "Grace", "age": 45}
                """);
        executor = new ConnectExecutor(
                new ExecutorConfig(
                        "connect",
                        ConnectExecutorFactory.TYPE,
                        2,
                        workDir,
                        Map.of("spark.sql.shuffle.partitions", "3"),
                        Map.of(
                                "url",
                                SharedCluster.get().settings().connectUrl(),
                                "cancelGraceSeconds",
                                "60",
                                "python",
                                ClusterFixture.python())),
                Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        executor.close();
    }

    @Test
    void aScriptRunsOnTheServerWithTheAttemptsSettingsAndPublishesTaskValues() throws IOException {
        Path job = script(
                "adults.py",
                "import sys",
                "people = spark.read.json(sys.argv[1])",
                "adults = people.where(people.age > 21)",
                "print('partitions', spark.conf.get('spark.sql.shuffle.partitions'))",
                "print('adults', sorted(r['name'] for r in adults.collect()))",
                "kindling.set_value('adults', adults.count())");
        AttemptRequest request =
                request("adults", python(job, workDir.resolve("people.json").toString()));

        AttemptResult result = await(executor.start(request));

        assertThat(result.error()).isEmpty();
        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        assertThat(result.values()).containsEntry("adults", 2L);
        assertThat(Files.readString(request.logFile()))
                .contains("partitions 3")
                .contains("adults ['Ada', 'Grace']")
                .contains("Spark Connect session");
    }

    @Test
    void aFailingScriptFailsWithItsExceptionsLine() throws IOException {
        Path job = script("fails.py", "spark.table('no_such_table').count()");

        AttemptResult result = await(executor.start(request("fails", python(job))));

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
        assertThat(result.error().orElseThrow()).contains("no_such_table");
    }

    @Test
    void cancelKillsThePythonProcessAndInterruptsItsOperationsWithinSeconds() throws IOException {
        Path job = script(
                "long.py",
                "print('spinning', flush=True)",
                "for i in range(100000):",
                "    spark.range(0, 2000000, 1, 4).selectExpr('sum(id)').collect()");
        AttemptRequest request = request("long", python(job));
        AttemptHandle handle = executor.start(request);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(request.logFile())
                        && Files.readString(request.logFile()).contains("spinning"));

        long cancelled = System.nanoTime();
        handle.cancel("the test cancels");
        AttemptResult result = await(handle);

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.CANCELLED);
        assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofSeconds(30));
        assertThat(Files.readString(request.logFile())).contains("killed Python process");
    }

    @Test
    void aNotebookRunsOnTheServerWithItsParamsAndKeepsItsExecutedCopy() throws IOException {
        Path notebook = workDir.resolve("jobs").resolve("adults.ipynb");
        Files.createDirectories(notebook.getParent());
        Files.writeString(notebook, """
                {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
                 {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [], "execution_count": null,
                  "source": ["min_age = '99'\\n"]},
                 {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
                  "source": ["people = spark.read.json('%s')\\n",
                             "print('adults', people.where(people.age > int(min_age)).count())"]}]}
                """.formatted(workDir.resolve("people.json")));
        AttemptRequest request = request(
                "notebook",
                new TaskBody.Notebook(
                        notebook, Map.of("min_age", "21"), Map.of("pipeline", "connect_python", "run_id", "run-1")));

        AttemptResult result = await(executor.start(request));

        assertThat(result.error()).isEmpty();
        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        String executed = Files.readString(AttemptRequest.notebookFile(request.logFile()));
        assertThat(executed).contains("min_age = '21'").contains("\"adults 2\\n\"");
    }

    private static TaskBody.Python python(Path script, String... args) {
        return new TaskBody.Python(
                Optional.of(script),
                Optional.empty(),
                List.of(args),
                Map.of(
                        "pipeline", "connect_python",
                        "run_id", "run-1",
                        "logical_time", "2026-12-04T00:00:00Z",
                        "ds", "2026-12-04"));
    }

    private static Path script(String name, String... lines) throws IOException {
        Path file = workDir.resolve("jobs").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.write(file, List.of(lines));
    }

    private static AttemptRequest request(String taskId, TaskBody body) {
        return ConnectAttempts.request("connect_python", workDir, taskId, body);
    }

    private static AttemptResult await(AttemptHandle handle) {
        return ConnectAttempts.await(handle, Duration.ofMinutes(2));
    }
}
