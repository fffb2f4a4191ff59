package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.TestDirs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGTERM while two attempts run, with 10 s of grace: the one that ends within the grace period is recorded as it
 * ended; the other is recorded as interrupted and its task queued again; the run is released, and the next start
 * runs the interrupted task again and finishes the run.
 */
class GracefulShutdownTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void sigtermLetsAttemptsFinishWithinTheGracePeriodAndInterruptsTheRest(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/shutdown"), pipelines);
        String url = database.apply(work);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(work, "config.yml", url, pipelines, port, "graceful", "1s", "6s");
        Path log = work.resolve("daemon.log");
        History history = new History(url);

        DaemonProcess daemon = DaemonProcess.start(config, port, log);
        HttpResponse<String> created = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/api/v1/pipelines/two_speeds/runs"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + KindlingApp.ADMIN_TOKEN)
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        String runId = JSON.readTree(created.body()).get("run_id").asText();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> history.count("SELECT COUNT(*) FROM task_attempts WHERE state = 'RUNNING'") == 2);

        long sigterm = System.nanoTime();
        int status = daemon.stop(Duration.ofSeconds(40));
        double stopped = (System.nanoTime() - sigterm) / 1e9;
        assertThat(stopped).as("seconds from SIGTERM to exit").isBetween(4.0, 25.0);
        assertThat(status).as("exit status of a clean stop (not 143)").isZero();

        Map<String, Map<String, Object>> tasks = byTask(history.rows(
                "SELECT task_id, state, attempts, attempt_base, error FROM task_runs WHERE run_id = '" + runId + "'"));
        assertThat(tasks.get("within_grace").get("state")).isEqualTo("SUCCEEDED");
        assertThat(tasks.get("beyond_grace").get("state")).isEqualTo("QUEUED");
        assertThat(((Number) tasks.get("beyond_grace").get("attempt_base")).intValue())
                .as("the interrupted attempt does not count against retries")
                .isEqualTo(1);
        assertThat(tasks.get("after").get("state")).isEqualTo("QUEUED");
        Map<String, Object> interrupted = history.rows("SELECT state, error FROM task_attempts WHERE run_id = '" + runId
                        + "' AND task_id = 'beyond_grace'")
                .get(0);
        assertThat(interrupted.get("state")).isEqualTo("FAILED");
        assertThat((String) interrupted.get("error")).startsWith("interrupted: the daemon shut down");
        Map<String, Object> run = history.rows("SELECT state, owner FROM runs WHERE run_id = '" + runId + "'")
                .get(0);
        assertThat(run.get("state")).isEqualTo("RUNNING");
        assertThat(run.get("owner")).as("released for the next start").isNull();

        DaemonProcess again = DaemonProcess.start(config, port, log);
        await().atMost(Duration.ofSeconds(60)).until(() -> history.unfinishedRuns() == 0);
        assertThat(again.stop(Duration.ofSeconds(40))).isZero();
        assertThat(history.rows("SELECT state FROM runs WHERE run_id = '" + runId + "'")
                        .get(0)
                        .get("state"))
                .isEqualTo("SUCCEEDED");
        assertThat(history.count("SELECT COUNT(*) FROM task_attempts WHERE run_id = '" + runId
                        + "' AND task_id = 'within_grace'"))
                .as("the task that finished is not run again")
                .isEqualTo(1);
        assertThat(history.count("SELECT COUNT(*) FROM task_attempts WHERE run_id = '" + runId
                        + "' AND task_id = 'beyond_grace' AND state = 'SUCCEEDED'"))
                .isEqualTo(1);
    }

    private static Map<String, Map<String, Object>> byTask(List<Map<String, Object>> rows) {
        Map<String, Map<String, Object>> out = new java.util.HashMap<>();
        rows.forEach(r -> out.put((String) r.get("task_id"), r));
        return out;
    }
}
