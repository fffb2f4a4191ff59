package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TestDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A daemon process SIGKILLed in the middle of a run of task values and conditions: a task published values, a
 * condition on them was decided and its branch is running when the kill comes. The next start keeps what was decided
 * (one attempt each), retries the killed attempt, decides the next condition from the values read back from the
 * history, and takes the branch they pick (the other ends SKIPPED).
 */
class DataflowKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode get(DaemonProcess daemon, String path) {
        try {
            return JSON.readTree(daemon.get("/api/v1" + path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode task(JsonNode run, String taskId) {
        for (JsonNode t : run.get("tasks")) {
            if (t.get("task_id").asText().equals(taskId)) {
                return t;
            }
        }
        throw new AssertionError("no task " + taskId + " in " + run);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void valuesAndConditionsSurviveASigkillAndTheBranchesFollowThem(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = work.resolve("pipelines");
        TestDirs.copyTree(TestDirs.resource("pipelines/dataflow_kill"), pipelines);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(
                work, "config.yml", database.apply(work), pipelines, port, "dataflow-kill", "1s", "6s");
        Files.writeString(config, Files.readString(config).replace("executors:\n", """
                        executors:
                          publisher:
                            type: sleep
                            options:
                              millis: "100"
                              values: '{"rows": 3}'
                        """));
        Path log = work.resolve("daemon.log");
        System.out.println("DataflowKillTest " + name + ": log " + log);

        DaemonProcess daemon = DaemonProcess.start(config, port, log);
        String runId = JSON.readTree(daemon.postForBody("/api/v1/pipelines/dataflow_kill/runs"))
                .get("run_id")
                .asText();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> task(get(daemon, "/runs/" + runId), "slow")
                        .get("state")
                        .asText()
                        .equals("RUNNING"));
        daemon.kill();

        DaemonProcess again = DaemonProcess.start(config, port, log);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            get(again, "/runs/" + runId).get("state").asText().equals("SUCCEEDED"));
            JsonNode run = get(again, "/runs/" + runId);
            for (String decided : new String[] {"produce", "early"}) {
                assertThat(task(run, decided).get("attempts"))
                        .as("%s ended before the kill: not run again", decided)
                        .hasSize(1);
            }
            assertThat(task(run, "produce")
                            .get("attempts")
                            .get(0)
                            .get("values")
                            .get("rows")
                            .asInt())
                    .isEqualTo(3);
            assertThat(task(run, "slow").get("attempts"))
                    .as("the killed attempt, then its retry")
                    .hasSize(2);
            assertThat(task(run, "late").get("attempts"))
                    .as("decided once, after the restart")
                    .hasSize(1);
            assertThat(task(run, "late").get("attempts").get(0).get("outcome").asBoolean())
                    .as("from the values read back from the history")
                    .isTrue();
            assertThat(task(run, "taken").get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(task(run, "not_taken").get("state").asText()).isEqualTo("SKIPPED");
        } finally {
            again.stop(Duration.ofSeconds(60));
        }
    }
}
