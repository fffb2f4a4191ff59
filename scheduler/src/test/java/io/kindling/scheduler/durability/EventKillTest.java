package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.RawHttp;
import io.kindling.scheduler.support.TestDirs;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inbound events against daemons that are processes of their own: SIGKILLed while events with Idempotency-Keys
 * arrive, then every key sent again after a restart (an acknowledged one answers its run, none makes a second), and
 * a manual trigger's key sent before the first kill replayed after the last restart (its run, none made);
 * and two daemons on one database sent the same key at once (one run).
 */
class EventKillTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A daemon's answer to an event: its status and run id. */
    record Answer(int status, String runId) {}

    static Answer send(int port, String key) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/pipelines/unsigned/events"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + KindlingApp.ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String runId = response.statusCode() == 200 || response.statusCode() == 201
                ? JSON.readTree(response.body()).get("run_id").asText()
                : null;
        return new Answer(response.statusCode(), runId);
    }

    private static Path pipelines(Path work) throws IOException {
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        Files.copy(TestDirs.resource("pipelines/events").resolve("unsigned.yml"), pipelines.resolve("unsigned.yml"));
        return pipelines;
    }

    /** How many runs each event key has. */
    private static Map<String, Integer> runsPerEvent(String url) {
        Map<String, Integer> runs = new java.util.HashMap<>();
        Jdbi.create(url)
                .useHandle(h -> h.createQuery("SELECT trigger_event, COUNT(*) AS n FROM runs "
                                + "WHERE pipeline_id = 'unsigned' AND trigger_event IS NOT NULL GROUP BY trigger_event")
                        .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2)))
                        .forEach(e -> runs.put(e.getKey(), e.getValue())));
        return runs;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void sigkillWhileEventsArriveLosesNoAcknowledgedEventAndMakesNoneTwice(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = pipelines(work);
        String url = database.apply(work);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(work, "config.yml", url, pipelines, port, "event-kill", "1s", "6s");
        Path log = work.resolve("daemon.log");
        long seed = Long.getLong("kindling.seed", System.nanoTime());
        System.out.println("EventKillTest " + name + ": seed " + seed + ", log " + log);
        Random random = new Random(seed);
        List<String> sent = new CopyOnWriteArrayList<>();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();

        String manualUrl = "http://127.0.0.1:" + port + "/api/v1/pipelines/unsigned/runs";
        String[] manualKey = {
            "Idempotency-Key", "manual-across-restarts", "Authorization", "Bearer " + KindlingApp.ADMIN_TOKEN
        };
        String manualRun = null;
        for (int kill = 0; kill < 4; kill++) {
            DaemonProcess daemon = DaemonProcess.start(config, port, log);
            if (kill == 0) { // a manual trigger's key, replayed after every restart below
                HttpResponse<String> first = RawHttp.post(manualUrl, "{}", manualKey);
                assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
                manualRun = RawHttp.json(first).get("run_id").asText();
            }
            AtomicBoolean stop = new AtomicBoolean();
            int round = kill;
            Thread sender = new Thread(() -> {
                for (int n = 0; !stop.get(); n++) {
                    String key = "event-" + round + "-" + n;
                    sent.add(key);
                    try {
                        Answer answer = send(port, key);
                        if (answer.runId() != null) {
                            acknowledged.put(key, answer.runId());
                        }
                    } catch (IOException e) { // killed mid-request: not acknowledged
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            int target = acknowledged.size() + 1 + random.nextInt(8);
            sender.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= target);
            daemon.kill();
            stop.set(true);
            sender.join(30_000);
        }

        DaemonProcess last = DaemonProcess.start(config, port, log);
        try {
            HttpResponse<String> replayed = RawHttp.post(manualUrl, "{}", manualKey);
            assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
            assertThat(replayed.headers().firstValue("Idempotent-Replayed")).contains("true");
            assertThat(RawHttp.json(replayed).get("run_id").asText()).isEqualTo(manualRun);
            int manualRuns = Jdbi.create(url)
                    .withHandle(h -> h.createQuery(
                                    "SELECT COUNT(*) FROM runs WHERE pipeline_id = 'unsigned' AND trigger_type = 'manual'")
                            .mapTo(Integer.class)
                            .one());
            assertThat(manualRuns)
                    .as("the manual trigger's key made one run across four SIGKILLs")
                    .isEqualTo(1);
            for (String key : sent) {
                Answer again = send(port, key);
                String first = acknowledged.get(key);
                if (first != null) {
                    assertThat(again).as("acknowledged " + key).isEqualTo(new Answer(200, first));
                } else {
                    assertThat(again.status()).as("unacknowledged " + key).isIn(200, 201);
                }
            }
        } finally {
            last.stop(Duration.ofSeconds(60));
        }
        Map<String, Integer> runs = runsPerEvent(url);
        assertThat(runs.keySet()).as("every key sent has its run").containsExactlyInAnyOrderElementsOf(sent);
        assertThat(runs.values()).as("no key has two runs").containsOnly(1);
        System.out.println("EventKillTest " + name + ": " + sent.size() + " events, " + acknowledged.size()
                + " acknowledged before a kill");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void twoDaemonsOnOneDatabaseSentOneKeyAtOnceMakeOneRun(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = pipelines(work);
        String url = database.apply(work);
        int[] ports = DaemonProcess.freePorts(2);
        List<DaemonProcess> daemons = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 2; i++) {
                Path config = DaemonProcess.writeConfig(
                        Files.createDirectories(work.resolve("d" + i)),
                        "config.yml",
                        url,
                        pipelines,
                        ports[i],
                        "node-" + i,
                        "1s",
                        "6s");
                daemons.add(DaemonProcess.start(config, ports[i], work.resolve("daemon-" + i + ".log")));
            }
            for (int round = 0; round < 10; round++) {
                String key = "race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Answer>> answers = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int port = ports[i % 2];
                    answers.add(threads.submit(() -> {
                        go.await();
                        return send(port, key);
                    }));
                }
                go.countDown();
                Set<String> runIds = new HashSet<>();
                int created = 0;
                for (Future<Answer> answer : answers) {
                    Answer a = answer.get();
                    assertThat(a.status()).as(key).isIn(200, 201);
                    created += a.status() == 201 ? 1 : 0;
                    runIds.add(a.runId());
                }
                assertThat(runIds).as(key).hasSize(1);
                assertThat(created).as(key + ": one request made the run").isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
            for (DaemonProcess daemon : daemons) {
                daemon.stop(Duration.ofSeconds(60));
            }
        }
        Map<String, Integer> runs = runsPerEvent(url);
        assertThat(runs).hasSize(10);
        assertThat(runs.values()).containsOnly(1);
    }
}
