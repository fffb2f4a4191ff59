package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TcpProxy;
import io.kindling.scheduler.support.TestDatabases;
import io.kindling.scheduler.support.TestDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-fencing, with the faults caused for real: two daemons on one PostgreSQL database (heartbeat 1 s, dead after
 * 8 s, so a daemon fences itself 5.6 s after its last heartbeat got through), and an attempt running on daemon A when
 * A is cut off from the database by a TCP proxy, or paused with SIGSTOP while its attempt runs in its Spark process.
 * B takes A's run over and runs the task again; the attempts' own journal, written by the task where it really runs,
 * shows that the first had stopped before the second started. A, back, finds it was taken for dead and starts nothing.
 */
class FencingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern POSTGRES = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/");

    private final List<DaemonProcess> daemons = new ArrayList<>();

    @AfterEach
    void stopDaemons() throws Exception {
        for (DaemonProcess daemon : daemons) {
            if (daemon.alive()) {
                signal(daemon, "CONT");
                daemon.kill();
            }
        }
    }

    @Test
    void aDaemonCutOffFromItsDatabaseStopsItsAttemptBeforeAnotherTakesItOver(@TempDir Path work) throws Exception {
        String url = TestDatabases.postgresUrl();
        Matcher server = POSTGRES.matcher(url);
        assertThat(server.find()).as("a PostgreSQL URL: %s", url).isTrue();
        try (TcpProxy link = new TcpProxy(server.group(1), Integer.parseInt(server.group(2)))) {
            String viaLink = server.replaceFirst("jdbc:postgresql://127.0.0.1:" + link.port() + "/");
            Cluster cluster = start(work, viaLink, url);
            History history = new History(url);
            Path journal = work.resolve("sleep-journal.txt");

            assertThat(cluster.a.post("/api/v1/pipelines/held/runs")).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> started(journal, ".hold.1"));
            link.cut();

            await().atMost(Duration.ofSeconds(60)).until(() -> started(journal, ".hold.2"));
            Map<String, long[]> ran = journal(journal);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> history.count("SELECT COUNT(*) FROM runs WHERE state = 'SUCCEEDED'") == 1);
            link.mend();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(work.resolve("a.log")).contains("was taken for dead"));

            assertFencedThenTakenOver(history, journal, ran, cluster, work.resolve("a.log"));
            assertThat(lines(journal))
                    .as("the first attempt was stopped by the fence, the second ran its 12 s")
                    .anyMatch(l -> l.startsWith("end ") && l.contains(".hold.1 ") && l.endsWith(" cancelled"))
                    .anyMatch(l -> l.startsWith("end ") && l.contains(".hold.2 ") && l.endsWith(" succeeded"));
        }
    }

    @Test
    void aDaemonWhoseHeartbeatGetsThroughAgainBeforeItIsTakenForDeadTakesItsRunUpAgain(@TempDir Path work)
            throws Exception {
        String url = TestDatabases.postgresUrl();
        Matcher server = POSTGRES.matcher(url);
        assertThat(server.find()).as("a PostgreSQL URL: %s", url).isTrue();
        try (TcpProxy link = new TcpProxy(server.group(1), Integer.parseInt(server.group(2)))) {
            Path pipelines = Files.createDirectories(work.resolve("pipelines"));
            TestDirs.copyTree(TestDirs.resource("pipelines/fencing"), pipelines);
            int port = DaemonProcess.freePort();
            Path config = DaemonProcess.writeConfig(
                    work,
                    "a.yml",
                    server.replaceFirst("jdbc:postgresql://127.0.0.1:" + link.port() + "/"),
                    pipelines,
                    port,
                    "node-a",
                    "1s",
                    "8s");
            DaemonProcess a = DaemonProcess.start(config, port, work.resolve("a.log"));
            daemons.add(a);
            String idA = JSON.readTree(a.get("/api/v1/cluster")).get("self").asText();
            History history = new History(url);
            Path journal = work.resolve("sleep-journal.txt");

            assertThat(a.post("/api/v1/pipelines/held/runs")).isEqualTo(201);
            await().atMost(Duration.ofSeconds(30)).until(() -> started(journal, ".hold.1"));
            link.cut();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> lines(journal).stream()
                            .anyMatch(l -> l.startsWith("end ") && l.contains(".hold.1 ") && l.endsWith(" cancelled")));
            link.mend();

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> history.count("SELECT COUNT(*) FROM runs WHERE state = 'SUCCEEDED'") == 1);
            Map<String, long[]> ran = journal(journal);
            assertThat(ran).hasSize(2);
            List<Map<String, Object>> attempts = history.rows(
                    "SELECT attempt_number, state, daemon_id, error FROM task_attempts ORDER BY attempt_number");
            assertThat(attempts).extracting(r -> r.get("daemon_id")).containsOnly(idA);
            assertThat(attempts).extracting(r -> r.get("state")).containsExactly("FAILED", "SUCCEEDED");
            assertThat((String) attempts.get(0).get("error")).contains("could not renew its heartbeat");
            assertThat(Files.readString(work.resolve("a.log")))
                    .contains("taking its runs up again")
                    .doesNotContain("was taken for dead");
        }
    }

    @Test
    void aPausedDaemonsSparkProcessStopsItsAttemptBeforeAnotherDaemonTakesItOver(@TempDir Path work) throws Exception {
        String url = TestDatabases.postgresUrl();
        Cluster cluster = start(work, url, url);
        History history = new History(url);
        Path journal = work.resolve("spark-journal.txt");

        assertThat(cluster.a.post("/api/v1/pipelines/spark-held/runs")).isEqualTo(201);
        // the Spark process starts with the first attempt (warmup: lazy)
        await().atMost(Duration.ofSeconds(90)).until(() -> started(journal, ".hold.1"));
        signal(cluster.a, "STOP");

        await().atMost(Duration.ofSeconds(120)).until(() -> started(journal, ".hold.2"));
        Map<String, long[]> ran = journal(journal);
        Files.createFile(work.resolve("release"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> history.count("SELECT COUNT(*) FROM runs WHERE state = 'SUCCEEDED'") == 1);
        signal(cluster.a, "CONT");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Files.readString(work.resolve("a.log")).contains("was taken for dead"));

        assertFencedThenTakenOver(history, journal, ran, cluster, null);
        assertThat(lines(journal))
                .as("the paused daemon's Spark process stopped the first attempt itself")
                .anyMatch(l -> l.startsWith("end ") && l.contains(".hold.1 ") && l.endsWith(" cancelled"));
    }

    private record Cluster(DaemonProcess a, DaemonProcess b, String idA, String idB) {}

    private Cluster start(Path work, String urlA, String urlB) throws Exception {
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/fencing"), pipelines);
        int portA = DaemonProcess.freePort();
        int portB = DaemonProcess.freePort();
        Path configA = DaemonProcess.writeConfig(work, "a.yml", urlA, pipelines, portA, "node-a", "1s", "8s");
        Path configB = DaemonProcess.writeConfig(work, "b.yml", urlB, pipelines, portB, "node-b", "1s", "8s");
        DaemonProcess a = DaemonProcess.start(configA, portA, work.resolve("a.log"));
        daemons.add(a);
        DaemonProcess b = DaemonProcess.start(configB, portB, work.resolve("b.log"));
        daemons.add(b);
        String idA = JSON.readTree(a.get("/api/v1/cluster")).get("self").asText();
        String idB = JSON.readTree(b.get("/api/v1/cluster")).get("self").asText();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(JSON.readTree(b.get("/api/v1/cluster")).findValuesAsText("daemon_id"))
                                .contains(idA, idB));
        return new Cluster(a, b, idA, idB);
    }

    /**
     * The first attempt really stopped before the second really started, and the history agrees: attempt 1 (A's)
     * failed as adopted by B, attempt 2 (B's) succeeded, one success in all; A, back, starts nothing more.
     */
    private static void assertFencedThenTakenOver(
            History history, Path journal, Map<String, long[]> ran, Cluster cluster, Path logA) throws Exception {
        long[] first = ran.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".hold.1"))
                .findFirst()
                .orElseThrow()
                .getValue();
        long[] second = ran.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".hold.2"))
                .findFirst()
                .orElseThrow()
                .getValue();
        assertThat(first[1]).as("the first attempt ended (journal %s)", ran).isPositive();
        assertThat(first[1])
                .as("the first attempt stopped before the second started")
                .isLessThanOrEqualTo(second[0]);

        List<Map<String, Object>> attempts = history.rows(
                "SELECT attempt_number, state, daemon_id, error FROM task_attempts ORDER BY attempt_number");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("daemon_id")).isEqualTo(cluster.idA());
        assertThat(attempts.get(0).get("state")).isEqualTo("FAILED");
        assertThat((String) attempts.get(0).get("error"))
                .contains("stopped or died")
                .contains(cluster.idB());
        assertThat(attempts.get(1).get("daemon_id")).isEqualTo(cluster.idB());
        assertThat(attempts.get(1).get("state")).isEqualTo("SUCCEEDED");
        assertThat(lines(journal).stream().filter(l -> l.startsWith("start ")))
                .as("no attempt started after the takeover but B's")
                .hasSize(2);
        if (logA != null) {
            assertThat(Files.readString(logA)).contains("could not renew its heartbeat");
        }
    }

    private static boolean started(Path journal, String attemptSuffix) throws IOException {
        return lines(journal).stream().anyMatch(l -> l.startsWith("start ") && l.contains(attemptSuffix + " "));
    }

    /** Each attempt's real start and end (0 while it runs), epoch ms, from the journal its task wrote. */
    private static Map<String, long[]> journal(Path journal) throws IOException {
        Map<String, long[]> ran = new LinkedHashMap<>();
        for (String line : lines(journal)) {
            String[] f = line.split(" ");
            long[] span = ran.computeIfAbsent(f[1], k -> new long[2]);
            span[f[0].equals("start") ? 0 : 1] = Long.parseLong(f[2]);
        }
        return ran;
    }

    private static List<String> lines(Path journal) throws IOException {
        return Files.exists(journal) ? Files.readAllLines(journal) : List.of();
    }

    private static void signal(DaemonProcess daemon, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(daemon.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
    }
}
