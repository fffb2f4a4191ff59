package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TestDatabases;
import io.kindling.scheduler.support.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two daemons on one PostgreSQL database, a pipeline firing every two seconds. One is killed with SIGKILL while it
 * runs an attempt: the other takes its runs over within 30 seconds (the default heartbeat settings), retries the
 * attempt that was cut short, and goes on firing; each scheduled time has exactly one run.
 */
class TakeoverTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void whenADaemonDiesAnotherAdoptsItsRunsAndEachTimeRunsOnce(@TempDir Path work) throws Exception {
        String url = TestDatabases.postgresUrl();
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/durability"), pipelines);
        int portA = DaemonProcess.freePort();
        int portB = DaemonProcess.freePort();
        Path configA = DaemonProcess.writeConfig(work, "a.yml", url, pipelines, portA, "node-a", "3s", "20s");
        Path configB = DaemonProcess.writeConfig(work, "b.yml", url, pipelines, portB, "node-b", "3s", "20s");
        History history = new History(url);

        DaemonProcess a = DaemonProcess.start(configA, portA, work.resolve("a.log"));
        DaemonProcess b = DaemonProcess.start(configB, portB, work.resolve("b.log"));
        String idA = JSON.readTree(a.get("/api/v1/cluster")).get("self").asText();
        String idB = JSON.readTree(b.get("/api/v1/cluster")).get("self").asText();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(JSON.readTree(b.get("/api/v1/cluster")).findValuesAsText("daemon_id"))
                                .contains(idA, idB));

        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        history.count("SELECT COUNT(*) FROM task_attempts WHERE state = 'RUNNING' AND daemon_id = '"
                                        + idA + "'")
                                > 0);
        a.kill();
        long killedAt = System.nanoTime();
        List<String> cutShort = history
                .rows("SELECT attempt_id FROM task_attempts WHERE state = 'RUNNING' AND " + "daemon_id = '" + idA + "'")
                .stream()
                .map(r -> (String) r.get("attempt_id"))
                .toList();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> history.count("SELECT COUNT(*) FROM runs WHERE owner = '" + idA
                                        + "' AND state IN ('QUEUED', 'RUNNING')")
                                == 0
                        && history.count("SELECT COUNT(*) FROM daemons WHERE daemon_id = '" + idA
                                        + "' AND stopped_at IS NOT NULL")
                                == 1);
        System.out.printf(
                "TakeoverTest: daemon %s's runs adopted %.1f s after SIGKILL%n",
                idA, (System.nanoTime() - killedAt) / 1e9);

        // B goes on firing alone
        int runsAtTakeover = history.count("SELECT COUNT(*) FROM runs");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> history.count("SELECT COUNT(*) FROM runs") >= runsAtTakeover + 3);
        assertThat(b.post("/api/v1/pipelines/ticking/pause")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> history.unfinishedRuns() == 0);
        String cluster = b.get("/api/v1/cluster");
        b.stop(Duration.ofSeconds(60));

        history.assertExactlyOnce("ticking", Duration.ofSeconds(2));
        for (String attemptId : cutShort) {
            Map<String, Object> attempt = history.rows(
                            "SELECT state, error FROM task_attempts WHERE attempt_id = '" + attemptId + "'")
                    .get(0);
            assertThat(attempt.get("state")).isEqualTo("FAILED");
            assertThat((String) attempt.get("error"))
                    .contains("stopped or died")
                    .contains(idB);
        }
        assertThat(history.count("SELECT COUNT(DISTINCT daemon_id) FROM task_attempts"))
                .as("both daemons ran attempts")
                .isEqualTo(2);
        assertThat(JSON.readTree(cluster).findValuesAsText("stop_reason")).anyMatch(r -> r.contains("taken for dead"));
    }
}
