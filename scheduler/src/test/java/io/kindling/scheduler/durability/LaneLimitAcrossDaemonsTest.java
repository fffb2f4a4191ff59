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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max_active_runs} holds across daemons: two daemons on one PostgreSQL database, a pipeline with
 * {@code max_active_runs: 1} (one task of 300 ms), triggers sent to both in turn. From the runs' recorded times, never
 * two RUNNING at once, and both daemons ran some.
 */
class LaneLimitAcrossDaemonsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TRIGGERS = 30;

    private static String daemonId(DaemonProcess daemon) throws Exception {
        return JSON.readTree(daemon.get("/api/v1/cluster")).get("self").asText();
    }

    @Test
    void twoDaemonsTogetherNeverRunMoreThanMaxActiveRuns(@TempDir Path work) throws Exception {
        String url = TestDatabases.postgresUrl();
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/lanes"), pipelines);
        int portA = DaemonProcess.freePort();
        int portB = DaemonProcess.freePort();
        Path configA = DaemonProcess.writeConfig(work, "a.yml", url, pipelines, portA, "node-a", "1s", "8s");
        Path configB = DaemonProcess.writeConfig(work, "b.yml", url, pipelines, portB, "node-b", "1s", "8s");
        List<DaemonProcess> daemons = new ArrayList<>();
        try {
            daemons.add(DaemonProcess.start(configA, portA, work.resolve("a.log")));
            daemons.add(DaemonProcess.start(configB, portB, work.resolve("b.log")));
            History history = new History(url);

            for (int i = 0; i < TRIGGERS; i++) {
                assertThat(daemons.get(i % 2).post("/api/v1/pipelines/one_at_a_time/runs"))
                        .isEqualTo(201);
            }
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> history.count("SELECT COUNT(*) FROM runs WHERE state = 'SUCCEEDED'") == TRIGGERS);

            List<Map<String, Object>> runs =
                    history.rows("SELECT run_id, owner, started_at, ended_at FROM runs ORDER BY started_at, ended_at");
            for (int i = 1; i < runs.size(); i++) {
                long started = ((Number) runs.get(i).get("started_at")).longValue();
                long previousEnded = ((Number) runs.get(i - 1).get("ended_at")).longValue();
                assertThat(started)
                        .as("run %s starts after %s ended", runs.get(i), runs.get(i - 1))
                        .isGreaterThanOrEqualTo(previousEnded);
            }
            assertThat(history.count("SELECT COUNT(DISTINCT daemon_id) FROM task_attempts"))
                    .as("both daemons ran runs")
                    .isEqualTo(2);
            for (String owner : List.of(daemonId(daemons.get(0)), daemonId(daemons.get(1)))) {
                List<String> started = runs.stream()
                        .filter(r -> owner.equals(r.get("owner")))
                        .map(r -> (String) r.get("run_id"))
                        .toList();
                assertThat(started)
                        .as("each daemon starts its runs oldest first")
                        .isSorted();
            }
        } finally {
            for (DaemonProcess daemon : daemons) {
                daemon.stop(Duration.ofSeconds(60));
            }
        }
    }
}
