package io.kindling.scheduler.durability;

import static io.kindling.scheduler.durability.RunJson.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TestDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A daemon process SIGKILLed while a for-each runs its iterations: the next start goes on with the same iterations
 * (the for-each keeps its one attempt, finished iterations theirs), retries those the kill interrupted, keeps the
 * concurrency, and never runs one iteration twice at once (the executor's journal says when attempts really ran).
 */
class ForEachKillTest {
    private static final ObjectMapper JSON = RunJson.JSON;

    private static Map<String, JsonNode> tasks(JsonNode run) {
        Map<String, JsonNode> tasks = new HashMap<>();
        run.get("tasks").forEach(t -> tasks.put(t.get("task_id").asText(), t));
        return tasks;
    }

    private static long count(JsonNode run, String state) {
        return tasks(run).entrySet().stream()
                .filter(e -> e.getKey().startsWith("each[")
                        && e.getValue().get("state").asText().equals(state))
                .count();
    }

    /** When an attempt really ran: from its start to its end in the journal, or to the kill when it has none. */
    private record Ran(String task, long from, long to) {}

    private static List<Ran> journal(Path file, long killedAt) throws IOException {
        Map<String, Long> started = new HashMap<>();
        List<Ran> ran = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(" ");
            if (f[0].equals("start")) {
                started.put(f[1], Long.parseLong(f[2]));
            } else {
                ran.add(new Ran(taskOf(f[1]), started.remove(f[1]), Long.parseLong(f[2])));
            }
        }
        started.forEach((attempt, from) -> ran.add(new Ran(taskOf(attempt), from, killedAt)));
        return ran;
    }

    /** {@code <run>.<task>.<n>} to the task. */
    private static String taskOf(String attemptId) {
        return attemptId.substring(attemptId.indexOf('.') + 1, attemptId.lastIndexOf('.'));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void aKilledDaemonGoesOnWithTheSameIterationsAndRunsNoneTwiceAtOnce(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = work.resolve("pipelines");
        TestDirs.copyTree(TestDirs.resource("pipelines/for_each_kill"), pipelines);
        String url = database.apply(work);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(work, "config.yml", url, pipelines, port, "for-each-kill", "1s", "6s");
        Path log = work.resolve("daemon.log");
        System.out.println("ForEachKillTest " + name + ": log " + log);

        DaemonProcess daemon = DaemonProcess.start(config, port, log);
        String runId = JSON.readTree(daemon.postForBody("/api/v1/pipelines/kill_for_each/runs"))
                .get("run_id")
                .asText();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    JsonNode run = get(daemon, "/runs/" + runId);
                    return count(run, "SUCCEEDED") >= 2 && count(run, "RUNNING") >= 1;
                });
        List<String> doneBefore = tasks(get(daemon, "/runs/" + runId)).entrySet().stream()
                .filter(e -> e.getKey().startsWith("each[")
                        && e.getValue().get("state").asText().equals("SUCCEEDED"))
                .map(Map.Entry::getKey)
                .toList();
        daemon.kill();
        long killedAt = System.currentTimeMillis();

        List<JsonNode> iterationAttempts = new ArrayList<>();
        DaemonProcess again = DaemonProcess.start(config, port, log);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            get(again, "/runs/" + runId).get("state").asText().equals("SUCCEEDED"));
            Map<String, JsonNode> tasks = tasks(get(again, "/runs/" + runId));
            assertThat(tasks.get("each").get("attempts"))
                    .as("the for-each went on, not retried")
                    .hasSize(1);
            assertThat(tasks.get("after").get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(count(get(again, "/runs/" + runId), "SUCCEEDED")).isEqualTo(6);
            tasks.forEach((id, t) -> {
                if (id.startsWith("each[")) {
                    t.get("attempts").forEach(iterationAttempts::add);
                }
            });
            for (String done : doneBefore) {
                assertThat(tasks.get(done).get("attempts"))
                        .as(done + " kept its one attempt")
                        .hasSize(1);
            }
        } finally {
            again.stop(Duration.ofSeconds(60));
        }
        int rows = Jdbi.create(url)
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM task_runs WHERE for_each_task = 'each'")
                        .mapTo(Integer.class)
                        .one());
        assertThat(rows).as("the iterations were made once").isEqualTo(6);

        // the executor's journal: when attempts really ran; no iteration had two at once
        List<Ran> ran = journal(work.resolve("sleep-journal.txt"), killedAt);
        for (Ran a : ran) {
            assertThat(ran.stream().filter(b -> b != a && b.task.equals(a.task) && b.from < a.to && a.from < b.to))
                    .as("another attempt of " + a.task + " at the same time")
                    .isEmpty();
        }
        // the history: never more iterations running than the concurrency (an end before a start at the same instant)
        List<long[]> edges = new ArrayList<>();
        for (JsonNode attempt : iterationAttempts) {
            edges.add(new long[] {
                Instant.parse(attempt.get("started_at").asText()).toEpochMilli(), 1
            });
            edges.add(
                    new long[] {Instant.parse(attempt.get("ended_at").asText()).toEpochMilli(), -1});
        }
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        long running = 0;
        long most = 0;
        for (long[] e : edges) {
            running += e[1];
            most = Math.max(most, running);
        }
        assertThat(most).as("iterations running at once (concurrency 2)").isEqualTo(2);
    }
}
