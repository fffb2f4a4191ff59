package io.kindling.scheduler.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.SocketHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The default local executor runs Spark in a child JVM: the worst tasks fail their attempts and the daemon, its
 * API and its other pipelines go on. Through the daemon's HTTP API, with a real child process killed for real.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SparkProcessIsolationTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/isolation")
            .withOverrides(
                    ConfigOverride.config("executors.local.options.mode", "process"),
                    ConfigOverride.config("executors.local.options.stopSparkOnClose", "true"),
                    ConfigOverride.config("executors.local.options.heap", "512m"),
                    ConfigOverride.config("executors.local.options.cancelGraceSeconds", "5"));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static final Duration SPARK = Duration.ofMinutes(3);
    private static final Pattern PID = Pattern.compile("Spark process (\\d+) up");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Http http = new Http(APP);

    private String trigger(String pipeline) {
        return http.post("/pipelines/" + pipeline + "/runs", Map.of(), 201)
                .get("run_id")
                .asText();
    }

    private JsonNode awaitEnded(String runId) {
        return await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> http.get("/runs/" + runId),
                        run -> run.get("state").asText().matches("SUCCEEDED|FAILED|CANCELLED"));
    }

    private JsonNode localHealth() throws IOException {
        SocketHttp.Answer answer =
                SocketHttp.get(EXTENSION.getAdminPort(), "/healthcheck", "localhost", KindlingApp.ADMIN_AUTHORIZATION);
        return JSON.readTree(answer.body()).get("executor-local");
    }

    /** The Spark process's id, once one is up. */
    private long sparkPid() {
        return await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            Matcher m = PID.matcher(localHealth().get("message").asText());
                            return m.find() ? Long.parseLong(m.group(1)) : -1L;
                        },
                        pid -> pid > 0);
    }

    private void anotherPipelineStillSucceeds() throws IOException {
        SocketHttp.Answer health =
                SocketHttp.get(EXTENSION.getAdminPort(), "/healthcheck", "localhost", KindlingApp.ADMIN_AUTHORIZATION);
        assertThat(health.status()).as(health.body()).isEqualTo(200);
        assertThat(awaitEnded(trigger("fine")).get("state").asText()).isEqualTo("SUCCEEDED");
    }

    private static String onlyError(JsonNode run) {
        JsonNode attempts = run.get("tasks").get(0).get("attempts");
        assertThat(attempts).hasSize(1);
        return attempts.get(0).get("error").asText();
    }

    @Test
    void aQueryThatRunsOutOfMemoryFailsItsAttemptNotTheDaemon() throws IOException {
        JsonNode run = awaitEnded(trigger("oom"));

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(onlyError(run))
                .isEqualTo(
                        "the Spark process ran out of memory (heap 512m); the attempt is " + "retried by its policy");
        anotherPipelineStillSucceeds();
    }

    @Test
    void aTaskThatCallsSystemExitFailsItsAttemptNotTheDaemon() throws IOException {
        JsonNode run = awaitEnded(trigger("exits"));

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(onlyError(run)).startsWith("the Spark process exited with status 3");
        anotherPipelineStillSucceeds();
    }

    @Test
    void twoAttemptsRunAtOnceOnTheProcess() {
        JsonNode run = awaitEnded(trigger("fine"));

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode left = run.get("tasks").get(0).get("attempts").get(0);
        JsonNode right = run.get("tasks").get(1).get("attempts").get(0);
        assertThat(Instant.parse(left.get("started_at").asText()))
                .isBefore(Instant.parse(right.get("ended_at").asText()));
        assertThat(Instant.parse(right.get("started_at").asText()))
                .isBefore(Instant.parse(left.get("ended_at").asText()));
        assertThat(left.get("spark_app_id").asText())
                .isEqualTo(right.get("spark_app_id").asText());
    }

    @Test
    void anAttemptLostWithAKilledProcessIsRetriedAndSucceeds() throws IOException {
        String runId = trigger("waits");
        await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "RUNNING"
                        .equals(http.get("/runs/" + runId)
                                .get("tasks")
                                .get(0)
                                .get("state")
                                .asText()));
        long pid = sparkPid();
        await().atMost(SPARK)
                .until(() -> Files.exists(APP.workDir.resolve("data/logs"))
                        && Files.walk(APP.workDir.resolve("data/logs"))
                                .anyMatch(p -> p.toString().contains("wait")));

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> http.get("/runs/" + runId)
                        .get("tasks")
                        .get(0)
                        .get("attempts")
                        .get(0)
                        .get("state")
                        .asText()
                        .equals("FAILED"));
        Files.writeString(APP.workDir.resolve("data/unblock"), "go");

        JsonNode run = awaitEnded(runId);
        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode attempts = run.get("tasks").get(0).get("attempts");
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).get("error").asText())
                .isEqualTo("the Spark process was killed by signal 9; " + "the attempt is retried by its policy");
        assertThat(sparkPid()).isNotEqualTo(pid);
        assertThat(localHealth().get("message").asText()).contains("restarted");
        String metrics = SocketHttp.get(
                        EXTENSION.getAdminPort(), "/prometheus", "localhost", KindlingApp.ADMIN_AUTHORIZATION)
                .body();
        Matcher restarts = Pattern.compile(
                        "kindling_executor_spark_process_restarts\\{executor=\"local\",?} " + "([0-9.]+)")
                .matcher(metrics);
        assertThat(restarts.find()).as(metrics).isTrue();
        assertThat(Double.parseDouble(restarts.group(1))).isGreaterThanOrEqualTo(1.0);
        assertThat(metrics).contains("kindling_executor_spark_process_up{executor=\"local\"");
    }

    @Test
    void cancelStopsALongQueryAndKeepsTheProcess() throws IOException {
        String runId = trigger("long");
        await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "RUNNING"
                        .equals(http.get("/runs/" + runId)
                                .get("tasks")
                                .get(0)
                                .get("state")
                                .asText()));
        long pid = sparkPid();

        http.post("/runs/" + runId + "/cancel", Map.of(), 200);

        JsonNode run = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> http.get("/runs/" + runId),
                        r -> r.get("state").asText().equals("CANCELLED"));
        assertThat(run.get("tasks").get(0).get("state").asText()).isEqualTo("CANCELLED");
        assertThat(sparkPid()).isEqualTo(pid);
        anotherPipelineStillSucceeds();
    }
}
