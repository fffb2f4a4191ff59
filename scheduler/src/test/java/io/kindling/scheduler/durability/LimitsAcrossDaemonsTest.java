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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits hold across daemons: two daemons on one PostgreSQL database, 200 triggers sent to both in turn, of a pipeline
 * with {@code max_active_runs: 1}, of two pipelines sharing the pool {@code warehouse} (size 2; each daemon's executor
 * has 4 slots) and of one on an executor that passes for a cluster's (3 slots, shared). From the runs' recorded times
 * and the executors' journals (written when each attempt really started and before the daemon learnt of its end),
 * never more than the limit at once, the pool full at times, and both daemons ran some of each.
 */
class LimitsAcrossDaemonsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LANE_TRIGGERS = 30;
    private static final int POOL_TRIGGERS = 110;
    private static final int CLUSTER_TRIGGERS = 60;

    private static String daemonId(DaemonProcess daemon) throws Exception {
        return JSON.readTree(daemon.get("/api/v1/cluster")).get("self").asText();
    }

    /** The daemons' common config, with the pool and the two executors of this test. */
    private static Path config(Path work, String name, String url, Path pipelines, int port, String node)
            throws Exception {
        Path config = DaemonProcess.writeConfig(work, name, url, pipelines, port, node, "1s", "8s");
        String yaml = Files.readString(config).replace("executors:\n", """
                        pools:
                          warehouse:
                            size: 2
                        executors:
                          pooled:
                            type: sleep
                            slots: 4
                            options:
                              millis: "100"
                              journal: "%s"
                          cluster:
                            type: sleep
                            slots: 3
                            options:
                              millis: "150"
                              cluster: "true"
                              journal: "%s"
                        """.formatted(
                        work.resolve("pooled.journal"), work.resolve("cluster.journal")));
        Files.writeString(config, yaml);
        return config;
    }

    @Test
    void twoDaemonsTogetherNeverExceedMaxActiveRunsAPoolOrAClusterExecutorsSlots(@TempDir Path work) throws Exception {
        String url = TestDatabases.postgresUrl();
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/limits"), pipelines);
        int portA = DaemonProcess.freePort();
        int portB = DaemonProcess.freePort();
        Path configA = config(work, "a.yml", url, pipelines, portA, "node-a");
        Path configB = config(work, "b.yml", url, pipelines, portB, "node-b");
        List<DaemonProcess> daemons = new ArrayList<>();
        try {
            daemons.add(DaemonProcess.start(configA, portA, work.resolve("a.log")));
            daemons.add(DaemonProcess.start(configB, portB, work.resolve("b.log")));
            History history = new History(url);

            List<String> triggers = new ArrayList<>();
            for (int i = 0; i < POOL_TRIGGERS; i++) {
                triggers.add(i % 2 == 0 ? "pooled_a" : "pooled_b");
                if (i < LANE_TRIGGERS) {
                    triggers.add("one_at_a_time");
                }
                if (i < CLUSTER_TRIGGERS) {
                    triggers.add("cluster_work");
                }
            }
            for (int i = 0; i < triggers.size(); i++) {
                assertThat(daemons.get(i % 2).post("/api/v1/pipelines/" + triggers.get(i) + "/runs"))
                        .isEqualTo(201);
            }
            await().atMost(Duration.ofSeconds(180))
                    .until(() ->
                            history.count("SELECT COUNT(*) FROM runs WHERE state = 'SUCCEEDED'") == triggers.size());

            List<Map<String, Object>> runs = history.rows("SELECT run_id, owner, started_at, ended_at FROM runs"
                    + " WHERE pipeline_id = 'one_at_a_time' ORDER BY started_at, ended_at");
            assertThat(runs).hasSize(LANE_TRIGGERS);
            for (int i = 1; i < runs.size(); i++) {
                long started = ((Number) runs.get(i).get("started_at")).longValue();
                long previousEnded = ((Number) runs.get(i - 1).get("ended_at")).longValue();
                assertThat(started)
                        .as("run %s starts after %s ended", runs.get(i), runs.get(i - 1))
                        .isGreaterThanOrEqualTo(previousEnded);
            }
            for (String owner : List.of(daemonId(daemons.get(0)), daemonId(daemons.get(1)))) {
                List<String> started = runs.stream()
                        .filter(r -> owner.equals(r.get("owner")))
                        .map(r -> (String) r.get("run_id"))
                        .toList();
                assertThat(started)
                        .as("each daemon starts its runs oldest first")
                        .isNotEmpty()
                        .isSorted();
            }

            assertThat(mostAtOnce(work.resolve("pooled.journal"), POOL_TRIGGERS))
                    .as("attempts in the pool warehouse at once")
                    .isEqualTo(2);
            assertThat(mostAtOnce(work.resolve("cluster.journal"), CLUSTER_TRIGGERS))
                    .as("attempts on the cluster executor at once")
                    .isBetween(1, 3);
            assertThat(history.count("SELECT COUNT(*) FROM task_attempts WHERE pool = 'warehouse'"))
                    .isEqualTo(POOL_TRIGGERS);
            for (String executor : List.of("pooled", "cluster")) {
                assertThat(history.count("SELECT COUNT(DISTINCT daemon_id) FROM task_attempts WHERE executor = '"
                                + executor + "'"))
                        .as("both daemons ran attempts on %s", executor)
                        .isEqualTo(2);
            }
        } finally {
            for (DaemonProcess daemon : daemons) {
                daemon.stop(Duration.ofSeconds(60));
            }
        }
    }

    /**
     * The most attempts the journal shows running at once (an end at the same millisecond as a start comes first),
     * after checking that it holds every attempt's start and end.
     */
    private static int mostAtOnce(Path journal, int attempts) throws Exception {
        List<long[]> events = new ArrayList<>(); // {time, +1 start | -1 end}
        Map<String, Integer> seen = new HashMap<>();
        for (String line : Files.readAllLines(journal)) {
            String[] parts = line.split(" ");
            boolean start = parts[0].equals("start");
            events.add(new long[] {Long.parseLong(parts[2]), start ? 1 : -1});
            seen.merge(parts[1], start ? 1 : 2, Integer::sum);
        }
        assertThat(seen)
                .hasSize(attempts)
                .allSatisfy((attempt, marks) -> assertThat(marks)
                        .as("%s started and ended once", attempt)
                        .isEqualTo(3));
        events.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        int now = 0;
        int most = 0;
        for (long[] event : events) {
            now += (int) event[1];
            most = Math.max(most, now);
        }
        return most;
    }
}
