package io.kindling.executor.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Python and notebook tasks on the spark-standalone executor: a client-mode driver JVM on this machine whose
 * executors run on the shared cluster's worker, serving the test venv's pinned pyspark-client through Spark Connect.
 */
@Tag("cluster")
class StandalonePythonTest {
    private static Path workDir;
    private static StandaloneExecutor executor;

    @BeforeAll
    static void start() throws IOException {
        workDir = Files.createTempDirectory("kindling-standalone-python");
        Files.writeString(workDir.resolve("people.json"), """
                {"name": "Ada", "age": 36}
                {"name": "Linus", "age": 19}
                {"name": "Grace", "age": 45}
                """);
        executor = ClusterFixture.executor(workDir, Map.of("python", ClusterFixture.python()));
    }

    @AfterAll
    static void close() {
        executor.close();
    }

    @Test
    void aNotebookRunsAsAClientModeDriverOnTheClusterWithItsParams() throws IOException {
        Path notebook = workDir.resolve("jobs").resolve("adults.ipynb");
        Files.createDirectories(notebook.getParent());
        Files.writeString(notebook, """
                {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
                 {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [], "execution_count": null,
                  "source": ["min_age = '99'\\n"]},
                 {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null,
                  "source": ["people = spark.read.json('people.json')\\n",
                             "adults = people.where(people.age > int(min_age)).count()\\n",
                             "kindling.set_value('adults', adults)\\n",
                             "print('adults', adults, spark.conf.get('spark.master'))"]}]}
                """);
        AttemptRequest request = ClusterFixture.request(
                workDir,
                "notebook",
                new TaskBody.Notebook(
                        notebook, Map.of("min_age", "21"), Map.of("pipeline", "remote-test", "run_id", "run-1")));

        AttemptHandle handle = executor.start(request);
        AttemptResult result = ClusterFixture.await(handle);

        assertThat(result.error()).isEmpty();
        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        assertThat(result.values()).containsEntry("adults", 2L);
        String executed = Files.readString(AttemptRequest.notebookFile(request.logFile()));
        assertThat(executed)
                .contains("min_age = '21'")
                .contains("\"adults 2 " + ClusterFixture.cluster().settings().masterUrl() + "\\n\"");
        String app = handle.sparkApplicationId().orElseThrow();
        assertThat(Files.readString(request.logFile()))
                .contains("client deploy mode")
                .contains("Spark application " + app);
        awaitApplicationEnded(app, Duration.ofSeconds(30));
    }

    @Test
    void cancelKillsThePythonProcessAndEndsTheApplicationWithinSeconds() throws IOException {
        Path job = workDir.resolve("jobs").resolve("long.py");
        Files.createDirectories(job.getParent());
        Files.write(
                job,
                List.of(
                        "print('spinning', flush=True)",
                        "spark.range(0, 1000000000000, 1, 2).selectExpr('sum(hash(id))').collect()"));
        AttemptRequest request = ClusterFixture.request(
                workDir,
                "long",
                new TaskBody.Python(Optional.of(job), Optional.empty(), List.of(), Map.of("pipeline", "remote-test")));
        AttemptHandle handle = executor.start(request);
        Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> handle.sparkApplicationId().isPresent()
                        && Files.readString(request.logFile()).contains("spinning"));
        String app = handle.sparkApplicationId().orElseThrow();
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> "RUNNING".equals(applicationState(app)));

        long cancelled = System.nanoTime();
        handle.cancel("the test cancels");
        AttemptResult result = ClusterFixture.await(handle);

        assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.CANCELLED);
        awaitApplicationEnded(app, Duration.ofSeconds(20));
        assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThan(Duration.ofSeconds(20));
        String log = Files.readString(request.logFile());
        Matcher killed = Pattern.compile("killed Python process (\\d+)").matcher(log);
        assertThat(killed.find()).as(log).isTrue();
        assertThat(ProcessHandle.of(Long.parseLong(killed.group(1))).map(ProcessHandle::isAlive))
                .isNotEqualTo(Optional.of(true));
    }

    private static void awaitApplicationEnded(String app, Duration within) {
        Awaitility.await()
                .atMost(within)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> List.of("FINISHED", "KILLED", "FAILED").contains(applicationState(app)));
    }

    /** The application's state on the master: RUNNING while listed active, else its completed state. */
    private static String applicationState(String app) {
        JsonNode master = ClusterFixture.masterJson(ClusterFixture.cluster());
        for (String list : List.of("activeapps", "completedapps")) {
            for (JsonNode entry : master.path(list)) {
                if (entry.path("id").asText().equals(app)) {
                    return entry.path("state").asText();
                }
            }
        }
        return "";
    }
}
