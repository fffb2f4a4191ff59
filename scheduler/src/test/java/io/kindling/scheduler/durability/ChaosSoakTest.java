package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TestDatabases;
import io.kindling.scheduler.support.TestDirs;
import io.kindling.scheduler.support.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos soak ({@code mvn verify -Psoak}, not in CI): two daemons on one PostgreSQL database run the kill test's
 * {@code ticking} pipeline (a diamond every 2 s, an alert to a webhook on each success) while, for
 * {@code kindling.chaos.minutes} (10 by default), every 3 to 10 s one fault chosen at random strikes: a daemon
 * SIGKILLed and started again, a daemon SIGSTOPped past {@code deadAfter} and woken, PostgreSQL restarted, or the
 * webhook receiver down for 5 to 15 s. Then the invariants: every scheduled time from the first to the last has
 * exactly one run, every run ended and succeeded, no two attempts of a task overlap and none succeeded twice; every
 * run has one success alert in the outbox, delivered, and received (at least once: a kill between a send and its
 * record sends it again, under the same {@code X-Kindling-Delivery}, which the test counts and prints).
 * {@code -Dkindling.seed=S} replays a soak (its seed is printed); {@code -Dkindling.chaos.faults=kill,stop,postgres,receiver}
 * picks the kinds of fault.
 */
@Tag("soak")
class ChaosSoakTest {
    private static final Duration EVERY = Duration.ofSeconds(2);
    private static final Duration DEAD_AFTER = Duration.ofSeconds(6);

    @Test
    void twoDaemonsThroughKillsPausesDatabaseRestartsAndAReceiverOutageKeepEveryInvariant(@TempDir Path work)
            throws Exception {
        String url = TestDatabases.postgresUrl();
        String cluster = DatabaseOutageTest.localCluster();
        Duration length = Duration.ofMinutes(Long.getLong("kindling.chaos.minutes", 10));
        long seed = Long.getLong("kindling.seed", System.nanoTime());
        System.out.println("ChaosSoakTest: " + length + ", seed " + seed + ", work " + work);
        Random random = new Random(seed);
        List<String> kinds = List.of(System.getProperty("kindling.chaos.faults", "kill,stop,postgres,receiver")
                .split(","));

        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/durability"), pipelines);
        Files.writeString(
                pipelines.resolve("ticking.yml"),
                Files.readString(pipelines.resolve("ticking.yml")) + "alerts:\n  on_success: [soak]\n");
        WebhookReceiver receiver = new WebhookReceiver().start();
        int[] ports = DaemonProcess.freePorts(2);
        Path[] configs = new Path[2];
        Path[] logs = new Path[2];
        DaemonProcess[] daemons = new DaemonProcess[2];
        Map<String, Integer> faults = new TreeMap<>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < 2; i++) {
                Path folder = Files.createDirectories(work.resolve("d" + i));
                configs[i] = DaemonProcess.writeConfig(
                        folder,
                        "config.yml",
                        url,
                        pipelines,
                        ports[i],
                        "chaos-" + i,
                        "1s",
                        DEAD_AFTER.toSeconds() + "s");
                Files.writeString(configs[i], Files.readString(configs[i]).replace("executors:\n", """
                                webhooks:
                                  soak:
                                    url: "%s"
                                alerting:
                                  initialBackoff: 1s
                                  maxBackoff: 4s
                                executors:
                                """.formatted(
                                receiver.url("/soak"))));
                logs[i] = work.resolve("daemon-" + i + ".log");
                daemons[i] = DaemonProcess.start(configs[i], ports[i], logs[i]);
            }
            History history = new History(url);
            await().atMost(Duration.ofSeconds(60)).until(() -> history.attempts() >= 8);

            long end = System.nanoTime() + length.toNanos();
            while (System.nanoTime() < end) {
                hold(Duration.ofMillis(3000 + random.nextInt(7000)));
                int i = random.nextInt(2);
                switch (kinds.get(random.nextInt(kinds.size()))) {
                    case "kill" -> {
                        daemons[i].kill();
                        hold(Duration.ofMillis(500 + random.nextInt(2500)));
                        daemons[i] = DaemonProcess.start(configs[i], ports[i], logs[i]);
                        faults.merge("daemon SIGKILLed and started again", 1, Integer::sum);
                    }
                    case "stop" -> {
                        signal("STOP", daemons[i].pid());
                        hold(DEAD_AFTER.plusMillis(1000 + random.nextInt(5000)));
                        signal("CONT", daemons[i].pid());
                        faults.merge("daemon SIGSTOPped past deadAfter and woken", 1, Integer::sum);
                    }
                    case "postgres" -> {
                        Process restart = new ProcessBuilder("pg_ctlcluster", cluster, "main", "restart")
                                .redirectErrorStream(true)
                                .start();
                        String output = new String(restart.getInputStream().readAllBytes());
                        assertThat(restart.waitFor())
                                .as("pg_ctlcluster restart: %s", output)
                                .isZero();
                        faults.merge("PostgreSQL restarted", 1, Integer::sum);
                    }
                    default -> {
                        receiver.close(); // "receiver"
                        hold(Duration.ofMillis(5000 + random.nextInt(10000)));
                        receiver.start();
                        faults.merge("webhook receiver down", 1, Integer::sum);
                    }
                }
            }
            long faulted = System.nanoTime();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> daemons[0].post("/api/v1/pipelines/ticking/pause") == 200);
            await().atMost(Duration.ofMinutes(3)).until(() -> history.unfinishedRuns() == 0);
            await().atMost(Duration.ofMinutes(3))
                    .until(() ->
                            history.count("SELECT COUNT(*) FROM alert_deliveries WHERE state <> 'DELIVERED'") == 0);
            long settled = System.nanoTime();
            for (DaemonProcess daemon : daemons) {
                assertThat(daemon.alive()).isTrue();
                daemon.stop(Duration.ofSeconds(60));
            }

            int runs = history.assertExactlyOnce("ticking", EVERY);
            List<Map<String, Object>> alerts =
                    history.rows("SELECT delivery_id, run_id FROM alert_deliveries WHERE event_type = 'run_succeeded'");
            Map<Object, Long> alertsPerRun =
                    alerts.stream().collect(Collectors.groupingBy(a -> a.get("run_id"), Collectors.counting()));
            assertThat(alertsPerRun)
                    .as("one success alert per run")
                    .hasSize(history.count("SELECT COUNT(*) FROM runs"));
            assertThat(alertsPerRun.values()).containsOnly(1L);
            Map<String, Integer> received = new HashMap<>();
            for (WebhookReceiver.Received request : receiver.received()) {
                received.merge(request.header("X-Kindling-Delivery"), 1, Integer::sum);
            }
            Set<String> delivered =
                    alerts.stream().map(a -> (String) a.get("delivery_id")).collect(Collectors.toSet());
            assertThat(received.keySet()).as("every alert received").containsAll(delivered);
            long twice = received.values().stream().filter(n -> n > 1).count();

            String report = String.format(
                    "ChaosSoakTest: %d faults in %.1f min (%s); settled %.1f s after the last; %d scheduled runs, %d"
                            + " attempts, %d alerts, %d received more than once (same X-Kindling-Delivery); seed %d",
                    faults.values().stream().mapToInt(Integer::intValue).sum(),
                    (faulted - started) / 60e9,
                    faults,
                    (settled - faulted) / 1e9,
                    runs,
                    history.attempts(),
                    delivered.size(),
                    twice,
                    seed);
            System.out.println(report);
            Files.writeString(Path.of("target", "chaos-soak.txt"), report + "\n");
        } finally {
            receiver.close();
            for (DaemonProcess daemon : daemons) {
                if (daemon != null && daemon.alive()) {
                    signal("CONT", daemon.pid());
                    daemon.stop(Duration.ofSeconds(60));
                }
            }
        }
    }

    /** Lets {@code time} pass (the faults' own pace), polling nothing. */
    private static void hold(Duration time) {
        long until = System.nanoTime() + time.toNanos();
        await().atMost(time.plusSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> System.nanoTime() >= until);
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        assertThat(kill.waitFor()).isZero();
    }
}
