package io.kindling.scheduler.durability;

import static io.kindling.scheduler.durability.RunJson.get;
import static io.kindling.scheduler.durability.RunJson.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TestDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A daemon process SIGKILLed while a run_pipeline task waits for the run it made: the next start follows that same
 * run again (the task keeps its one attempt) and makes no second one.
 */
class RunPipelineKillTest {
    private static final ObjectMapper JSON = RunJson.JSON;

    /** The run the parent's task go made, or null before it made one. */
    private static String childOf(DaemonProcess daemon, String parentId) {
        JsonNode child = task(get(daemon, "/runs/" + parentId), "go").get("child_run");
        return child == null ? null : child.get("run_id").asText();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void aKilledDaemonFollowsTheSameChildRunAgainAndMakesNoSecond(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = work.resolve("pipelines");
        TestDirs.copyTree(TestDirs.resource("pipelines/run_pipeline_kill"), pipelines);
        String url = database.apply(work);
        int port = DaemonProcess.freePort();
        Path config =
                DaemonProcess.writeConfig(work, "config.yml", url, pipelines, port, "run-pipeline-kill", "1s", "6s");
        Path log = work.resolve("daemon.log");
        System.out.println("RunPipelineKillTest " + name + ": log " + log);

        DaemonProcess daemon = DaemonProcess.start(config, port, log);
        String parentId = JSON.readTree(daemon.postForBody("/api/v1/pipelines/kill_parent/runs"))
                .get("run_id")
                .asText();
        // the child runs its five-second task: the parent waits for it
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> childOf(daemon, parentId) != null
                        && task(get(daemon, "/runs/" + childOf(daemon, parentId)), "t")
                                .get("state")
                                .asText()
                                .equals("RUNNING"));
        String childId = childOf(daemon, parentId);
        daemon.kill();

        DaemonProcess again = DaemonProcess.start(config, port, log);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> get(again, "/runs/" + parentId)
                            .get("state")
                            .asText()
                            .equals("SUCCEEDED"));
            JsonNode parent = get(again, "/runs/" + parentId);
            JsonNode go = task(parent, "go");
            assertThat(go.get("attempts")).as("followed again, not retried").hasSize(1);
            assertThat(go.get("child_run").get("run_id").asText()).isEqualTo(childId);
            assertThat(task(parent, "after").get("state").asText()).isEqualTo("SUCCEEDED");
            JsonNode child = get(again, "/runs/" + childId);
            assertThat(child.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(task(child, "t").get("attempts"))
                    .as("the killed attempt, then its retry")
                    .hasSize(2);
        } finally {
            again.stop(Duration.ofSeconds(60));
        }
        int children = Jdbi.create(url)
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM runs WHERE pipeline_id = 'kill_child'")
                        .mapTo(Integer.class)
                        .one());
        assertThat(children).as("exactly one child run").isEqualTo(1);
    }
}
