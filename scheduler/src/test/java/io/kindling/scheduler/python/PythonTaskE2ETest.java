package io.kindling.scheduler.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.TestPython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Python tasks through the daemon's API on the default local executor ({@code mode: process}): the warm Spark
 * process serves them through its Connect server, the Python process works in workDir as the Spark process does.
 * Real PySpark from the test venv (.ci/run makes it).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PythonTaskE2ETest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/python")
            .withOverrides(
                    ConfigOverride.config("executors.local.options.mode", "process"),
                    ConfigOverride.config("executors.local.options.stopSparkOnClose", "true"),
                    ConfigOverride.config("executors.local.options.cancelGraceSeconds", "5"),
                    ConfigOverride.config("executors.local.options.python", TestPython.interpreter()));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static final Duration SPARK = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Http http = new Http(APP);

    private String trigger(String pipeline, Map<String, Object> params) {
        return http.post("/pipelines/" + pipeline + "/runs", Map.of("params", params), 201)
                .get("run_id")
                .asText();
    }

    private JsonNode awaitEnded(String runId) {
        return await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> http.get("/runs/" + runId),
                        run -> run.get("state").asText().matches("SUCCEEDED|FAILED|CANCELLED"));
    }

    private String log(String runId, String task, int attempt) {
        return EXTENSION
                .client()
                .target(APP.api("/runs/" + runId + "/tasks/" + task + "/log?attempt=" + attempt))
                .request()
                .get(String.class);
    }

    private static JsonNode task(JsonNode run, String id) {
        for (JsonNode task : run.get("tasks")) {
            if (task.get("task_id").asText().equals(id)) {
                return task;
            }
        }
        throw new AssertionError("no task " + id + " in " + run);
    }

    @Test
    void aPySparkTaskWritesParquetThatADownstreamSqlTaskReads() throws IOException {
        String runId = trigger("py_adults", Map.of("min_age", 30));

        JsonNode run = awaitEnded(runId);

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        String ds = run.get("logical_time").asText().substring(0, 10);
        assertThat(log(runId, "clean", 1)).contains("12 adults written to data/out/py_adults/" + ds);
        JsonNode count = JSON.readTree(onlyJsonLine(APP.workDir.resolve("data/out/py_adults_count")));
        assertThat(count.get("n").asLong()).isEqualTo(12);
        assertThat(count.get("youngest").asLong()).isGreaterThan(30);
        assertThat(count.get("published").asLong())
                .as("kindling.set_value read as :tasks.clean.adults")
                .isEqualTo(12);
        assertThat(Files.isDirectory(APP.workDir.resolve("data/out/py_adults/" + ds)))
                .isTrue();
    }

    @Test
    void aFailingScriptIsRetriedByItsPolicyWithTheExceptionAsItsError() {
        JsonNode run = awaitEnded(trigger("py_flaky", Map.of()));

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        JsonNode attempts = task(run, "flaky").get("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("state").asText()).isEqualTo("FAILED");
        assertThat(attempts.get(0).get("error").asText()).isEqualTo("RuntimeError: the first attempt fails on purpose");
        assertThat(log(run.get("run_id").asText(), "flaky", 2)).contains("attempt 2 counted 10");
    }

    @Test
    void cancelStopsTheLongPySparkJobAndItsPythonProcessWithinSeconds() throws IOException {
        Path pidFile = APP.workDir.resolve("data/py_long.pid");
        Files.deleteIfExists(pidFile);
        String runId = trigger("py_long", Map.of());
        await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(pidFile) && log(runId, "spin", 1).contains("Connect session"));
        long pid = Long.parseLong(await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.readString(pidFile).strip(), text -> !text.isEmpty()));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);

        http.post("/runs/" + runId + "/cancel", Map.of(), 200);

        JsonNode run = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> http.get("/runs/" + runId),
                        r -> r.get("state").asText().equals("CANCELLED"));
        assertThat(task(run, "spin").get("state").asText()).isEqualTo("CANCELLED");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        // 1 operation, or 0 when the machine was too slow for the request to have arrived: a job it submits later is
        // cancelled as it starts
        assertThat(log(runId, "spin", 1))
                .containsPattern("interrupted [01] Spark Connect operation\\(s\\) of session")
                .contains("killed Python process " + pid);
        // the long Spark job is gone: a small PySpark task finds the cores free (local[2], 20,000 queued tasks)
        JsonNode quick = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> http.get("/runs/" + trigger("py_quick", Map.of())), r -> true);
        String quickId = quick.get("run_id").asText();
        JsonNode ended = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> http.get("/runs/" + quickId),
                        r -> r.get("state").asText().matches("SUCCEEDED|FAILED"));
        assertThat(ended.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(log(quickId, "count", 1)).contains("counted 143");
    }

    private static String onlyJsonLine(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> parts = files.filter(p -> p.getFileName().toString().startsWith("part-")
                            && p.toString().endsWith(".json"))
                    .toList();
            assertThat(parts).hasSize(1);
            return Files.readString(parts.get(0)).strip();
        }
    }
}
