package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.WebhookReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * {@code {{ secrets.NAME }}} end to end: a real daemon reads a 0600 secrets file (and, for FROM_ENV, the
 * KINDLING_SECRET_FROM_ENV variable the surefire configuration sets), a class task gets the real values, and
 * they appear nowhere the daemon writes or shows: attempt log, API, daemon log, webhook bodies.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SecretsTest {
    private static final String PASSWORD = "wh-pass-4f9a7c2e-not-real";
    private static final String FROM_ENV = "env-secret-5d1e";
    private static final WebhookReceiver RECEIVER = new WebhookReceiver().start();
    private static final Path SECRETS =
            secretsFile("rw-------", "# the warehouse\nWAREHOUSE_PASSWORD=" + PASSWORD + "\n");
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/secrets")
            .withOverrides(
                    ConfigOverride.config("secrets.file", SECRETS.toString()),
                    ConfigOverride.config("webhooks.ops.url", RECEIVER.url("/ops")));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    private static Path secretsFile(String mode, String text) {
        try {
            Path file = Files.createTempDirectory("kindling-secrets-").resolve("secrets.properties");
            Files.writeString(file, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode runToEnd(String pipeline) {
        String runId = http.post("/pipelines/" + pipeline + "/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCEEDED", "FAILED")
                        .contains(http.get("/runs/" + runId).get("state").asText()));
        return http.get("/runs/" + runId);
    }

    @Test
    void theTaskGetsTheSecretAndNothingTheDaemonWritesOrShowsContainsIt() throws IOException {
        Files.writeString(APP.workDir.resolve("expected-password.txt"), PASSWORD);
        ListAppender<ILoggingEvent> daemonLog = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        daemonLog.start();
        root.addAppender(daemonLog);
        JsonNode run;
        try {
            run = runToEnd("leaks");
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> RECEIVER.received().stream()
                            .anyMatch(r -> r.body().contains(run.get("run_id").asText())
                                    && "run_failed".equals(r.header("X-Kindling-Event"))));
        } finally {
            root.detachAppender(daemonLog);
        }
        String runId = run.get("run_id").asText();

        // the task had the real values, in its args and in its session's spark_conf
        assertThat(APP.workDir.resolve("login-report.txt")).hasContent("arg true, spark_conf true");

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        JsonNode attempt = run.get("tasks").get(0).get("attempts").get(0);
        assertThat(attempt.get("error").asText())
                .isEqualTo("IllegalStateException: the warehouse refused password ***");
        assertThat(attempt.get("rendered").asText())
                .contains("password=***", "user=loader-***", "expect_file=expected-password.txt");
        assertThat(run.toString()).doesNotContain(PASSWORD).doesNotContain(FROM_ENV);

        String attemptLog = Files.readString(APP.workDir.resolve("data/logs/leaks/" + runId + "/login.1.log"));
        assertThat(attemptLog)
                .contains(
                        "password=***",
                        "user=loader-***",
                        "spark.kindling.test.password=***",
                        "java.lang.IllegalStateException: the warehouse refused password ***");
        assertThat(attemptLog).doesNotContain(PASSWORD).doesNotContain(FROM_ENV);

        String daemonLines =
                daemonLog.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        assertThat(daemonLines)
                .contains("the warehouse refused password ***")
                .doesNotContain(PASSWORD)
                .doesNotContain(FROM_ENV);

        List<String> alerts = RECEIVER.received().stream()
                .map(WebhookReceiver.Received::body)
                .filter(body -> body.contains(runId))
                .toList();
        assertThat(alerts).isNotEmpty().allSatisfy(body -> assertThat(body).doesNotContain(PASSWORD));
        assertThat(alerts).anySatisfy(body -> assertThat(body).contains("the warehouse refused password ***"));
    }

    @Test
    void typedParamsAndSecretsRenderTogetherInArgsAndSparkConf() throws IOException {
        Files.writeString(APP.workDir.resolve("expected-password.txt"), PASSWORD);
        http.post("/pipelines/typed/runs", Map.of("params", Map.of("tries", "x")), 400);

        String runId = http.post(
                        "/pipelines/typed/runs",
                        Map.of("params", Map.of("report", "typed-caller.txt", "tries", 3)),
                        201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCEEDED", "FAILED")
                        .contains(http.get("/runs/" + runId).get("state").asText()));
        JsonNode run = http.get("/runs/" + runId);

        assertThat(APP.workDir.resolve("typed-caller.txt")).hasContent("arg true, spark_conf true");
        JsonNode attempt = run.get("tasks").get(0).get("attempts").get(0);
        assertThat(attempt.get("rendered").asText()).contains("password=***", "report=typed-caller.txt", "tries=3");
        assertThat(attempt.get("error").asText())
                .isEqualTo("IllegalStateException: the warehouse refused password ***");
        String attemptLog = Files.readString(APP.workDir.resolve("data/logs/typed/" + runId + "/login.1.log"));
        assertThat(attemptLog)
                .contains("spark.kindling.test.tries=3", "spark.kindling.test.password=***")
                .doesNotContain(PASSWORD);
        assertThat(run.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void aSecretSetNowhereFailsTheAttemptSayingWhereItWasLookedFor() {
        JsonNode run = runToEnd("missing");

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        JsonNode attempt = run.get("tasks").get(0).get("attempts").get(0);
        assertThat(attempt.get("error").asText())
                .isEqualTo("secret 'NOT_THERE' is not set (looked in " + SECRETS + " and $KINDLING_SECRET_NOT_THERE)");
    }

    @Test
    void aSecretsFileOthersCanReadStopsTheStart() {
        Path open = secretsFile("rw-r--r--", "WAREHOUSE_PASSWORD=x\n");
        KindlingApp daemon =
                KindlingApp.create(false).withOverrides(ConfigOverride.config("secrets.file", open.toString()));
        try {
            assertThatThrownBy(daemon::start)
                    .hasStackTraceContaining(
                            "secrets file " + open
                                    + " is readable or writable by group or others (mode rw-r--r--): make it mode 0600 or 0400");
        } finally {
            try {
                daemon.stop();
            } catch (RuntimeException ignored) { // it never started
            }
        }
    }
}
