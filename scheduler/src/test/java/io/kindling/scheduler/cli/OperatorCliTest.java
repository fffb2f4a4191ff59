package io.kindling.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.KindlingCli;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator's commands ({@code trigger}, {@code runs}, {@code logs}, {@code cancel}, ...) against a real daemon. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OperatorCliTest {
    private static final java.nio.file.Path ADMIN_PROFILE = KindlingCli.profileWithToken(KindlingApp.ADMIN_TOKEN);
    private static KindlingApp daemon;
    private static Http api;

    @RegisterExtension
    final KindlingCli cli = new KindlingCli();

    @BeforeAll
    static void start() throws Exception {
        daemon = KindlingApp.create(false, "pipelines/operator_cli").start();
        api = new Http(daemon);
    }

    @AfterAll
    static void stop() {
        daemon.stop();
    }

    /** The command against the test daemon, signed in with its admin token through a profile file. */
    private Optional<Throwable> kindling(String... args) {
        return as(ADMIN_PROFILE.toString(), args);
    }

    private Optional<Throwable> as(String profile, String... args) {
        String[] all = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(args), java.util.stream.Stream.of("--url", url(), "--profile", profile))
                .toArray(String[]::new);
        return cli.run(all);
    }

    private static String url() {
        return "http://localhost:" + daemon.extension.getLocalPort();
    }

    private List<String> lines(String prefix) {
        return cli.stdout().lines().filter(l -> l.startsWith(prefix)).toList();
    }

    private static int exitStatus(Optional<Throwable> result) {
        return result.map(t -> t instanceof CommandFailedException f ? f.exitStatus() : -1)
                .orElse(0);
    }

    @Test
    void triggerWaitFollowsTheRunAndExitsZeroWhenItSucceeds() {
        Optional<Throwable> result = kindling("trigger", "ok", "--wait", "--param", "note=hello");

        assertThat(exitStatus(result)).isZero();
        assertThat(lines("  one: ")).contains("  one: SUCCEEDED");
        assertThat(cli.stdout()).containsPattern("run \\S+ SUCCEEDED in \\d+\\.\\d s");
        String runId = lines("run ").get(0).split(" ")[1];
        assertThat(api.get("/runs/" + runId).path("params").path("note").asText())
                .isEqualTo("hello");
    }

    @Test
    void triggerWaitExitsOneWhenTheRunFails() {
        Optional<Throwable> result = kindling("trigger", "fails", "--wait");

        assertThat(exitStatus(result)).isEqualTo(1);
        assertThat(result.orElseThrow().getMessage()).contains("FAILED");
        assertThat(lines("  one: ")).anyMatch(l -> l.startsWith("  one: FAILED"));
    }

    @Test
    void triggerWaitExitsTwoWhenTheRunIsCancelled() throws Exception {
        int before = api.runs("waits").size();
        CompletableFuture<Optional<Throwable>> waiting =
                CompletableFuture.supplyAsync(() -> kindling("trigger", "waits", "--wait"));
        JsonNode run = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> api.runs("waits"),
                        runs -> runs.size() > before
                                && runs.get(runs.size() - 1)
                                        .path("state")
                                        .asText()
                                        .equals("RUNNING"))
                .get(api.runs("waits").size() - 1);

        api.post("/runs/" + run.path("run_id").asText() + "/cancel", Map.of(), 200);

        Optional<Throwable> result = waiting.get(60, TimeUnit.SECONDS);
        assertThat(exitStatus(result)).isEqualTo(TriggerCommand.CANCELLED_STATUS);
        assertThat(result.orElseThrow().getMessage()).contains("cancelled");
    }

    @Test
    void triggerRefusesAParameterThePipelineDoesNotDeclareWithTheDaemonsMessage() {
        int before = api.runs("ok").size();
        Optional<Throwable> result = kindling("trigger", "ok", "--param", "nope=1");

        assertThat(exitStatus(result)).isEqualTo(1);
        assertThat(result.orElseThrow().getMessage()).contains("nope");
        assertThat(api.runs("ok")).hasSize(before);
    }

    @Test
    void runsListsTheHistoryAndJsonPrintsTheDaemonsAnswer() throws Exception {
        assertThat(kindling("trigger", "ok", "--wait")).isEmpty();
        String runId = lines("run ").get(0).split(" ")[1];

        assertThat(kindling("runs", "--pipeline", "ok", "--state", "succeeded")).isEmpty();
        assertThat(lines("RUN ")).hasSize(1);
        assertThat(cli.stdout()).containsPattern(runId + "\\s+ok\\s+SUCCEEDED\\s+manual");

        assertThat(kindling("runs", "--pipeline", "fails", "--json")).isEmpty();
        JsonNode page = new ObjectMapper()
                .readTree(cli.stdout()
                        .lines()
                        .filter(l -> l.startsWith("{"))
                        .findFirst()
                        .orElseThrow());
        assertThat(page.path("runs"))
                .allSatisfy(r -> assertThat(r.path("pipeline").asText()).isEqualTo("fails"));
    }

    @Test
    void logsPrintsTheAttemptsLogAndFollowUntilTheAttemptEnds() throws Exception {
        CompletableFuture<Optional<Throwable>> following = new CompletableFuture<>();
        assertThat(kindling("trigger", "waits", "--json")).isEmpty();
        String runId = new ObjectMapper()
                .readTree(cli.stdout()
                        .lines()
                        .filter(l -> l.startsWith("{"))
                        .findFirst()
                        .orElseThrow())
                .path("run_id")
                .asText();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> api.get("/runs/" + runId)
                        .path("tasks")
                        .path(0)
                        .path("state")
                        .asText()
                        .equals("RUNNING"));

        CompletableFuture.runAsync(() -> following.complete(kindling("logs", runId, "one", "-f")));
        Files.createFile(daemon.workDir.resolve("release"));

        assertThat(following.get(60, TimeUnit.SECONDS)).isEmpty();
        assertThat(cli.stdout()).contains("found " + daemon.workDir.resolve("release"));
        assertThat(api.get("/runs/" + runId).path("state").asText()).isEqualTo("SUCCEEDED");
        Files.delete(daemon.workDir.resolve("release"));

        assertThat(kindling("logs", runId, "one", "--attempt", "7")).isPresent();
        assertThat(kindling("logs", runId, "nosuchtask")).isPresent();
    }

    @Test
    void pauseAndResumeSwitchThePipelinesSchedule() {
        assertThat(kindling("pause", "ok")).isEmpty();
        assertThat(cli.stdout()).contains("ok: paused");
        assertThat(api.get("/pipelines/ok").path("paused").asBoolean()).isTrue();

        assertThat(kindling("resume", "ok", "--json")).isEmpty();
        assertThat(cli.stdout()).contains("\"paused\":false");
        assertThat(api.get("/pipelines/ok").path("paused").asBoolean()).isFalse();
    }

    @Test
    void muteAndUnmuteSwitchThePipelinesAlerts() {
        assertThat(kindling("mute", "ok", "--for", "2h", "--reason", "maintenance"))
                .isEmpty();
        assertThat(cli.stdout()).containsPattern("ok: alerts muted until \\d{4}-\\d\\d-\\d\\dT");
        JsonNode mute = api.get("/pipelines/ok/mute");
        assertThat(mute.path("muted").asBoolean()).isTrue();
        assertThat(mute.path("reason").asText()).isEqualTo("maintenance");
        assertThat(kindling("unmute", "ok")).isEmpty();
        assertThat(cli.stdout()).contains("ok: alerts on");
        assertThat(api.get("/pipelines/ok/mute").path("muted").asBoolean()).isFalse();
        // the daemon's refusal is one line with its message
        assertThat(kindling("mute", "ok", "--until", "2020-01-01T00:00:00Z"))
                .hasValueSatisfying(e -> assertThat(e.getMessage()).contains("not in the future"));
    }

    @Test
    void cancelStopsARunningRun() {
        assertThat(kindling("trigger", "waits")).isEmpty();
        String runId = lines("run ").get(0).split(" ")[1];

        assertThat(kindling("cancel", runId)).isEmpty();

        assertThat(cli.stdout()).contains("run " + runId + ": ");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/runs/" + runId).path("state").asText().equals("CANCELLED"));
    }

    @Test
    void tokensAreCreatedShownOnceListedWithoutTheirValueAndRevoked() throws Exception {
        assertThat(kindling("token", "create", "--role", "viewer", "--name", "cli-test", "--json"))
                .isEmpty();
        JsonNode created = new ObjectMapper()
                .readTree(cli.stdout()
                        .lines()
                        .filter(l -> l.startsWith("{"))
                        .findFirst()
                        .orElseThrow());
        String token = created.path("token").asText();
        assertThat(token).matches("[A-Za-z0-9_.~+/=-]{24,}");
        java.nio.file.Path viewer = KindlingCli.profileWithToken(token);

        assertThat(as(viewer.toString(), "runs")).isEmpty();
        Optional<Throwable> refused = as(viewer.toString(), "pause", "ok");
        assertThat(exitStatus(refused)).isEqualTo(1);
        assertThat(api.get("/pipelines/ok").path("paused").asBoolean()).isFalse();

        assertThat(kindling("token", "list")).isEmpty();
        assertThat(cli.stdout())
                .contains(created.path("id").asText())
                .contains("cli-test")
                .doesNotContain(token);

        assertThat(kindling("token", "revoke", created.path("id").asText())).isEmpty();
        Optional<Throwable> revoked = as(viewer.toString(), "runs");
        assertThat(revoked.orElseThrow().getMessage())
                .isEqualTo("not signed in to " + url()
                        + ": the token was refused (revoked or expired?); run 'kindling login " + url()
                        + "' or set $KINDLING_TOKEN");
    }

    @Test
    void loginChecksTheTokenAndSavesAProfileOnlyItsOwnerCanRead() throws Exception {
        java.nio.file.Path profile =
                Files.createTempDirectory("kindling-login-").resolve("sub/profile");
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream((KindlingApp.ADMIN_TOKEN + "\n").getBytes()));
            assertThat(cli.run("login", url(), "--profile", profile.toString())).isEmpty();
            assertThat(cli.stdout()).contains("signed in to " + url() + " as ").contains("(admin)");
            System.setIn(new java.io.ByteArrayInputStream("kdl_not-a-token-of-this-daemon-at-all\n".getBytes()));
            assertThat(cli.run(
                            "login",
                            url(),
                            "--profile",
                            profile.resolveSibling("other").toString()))
                    .isPresent();
        } finally {
            System.setIn(stdin);
        }

        assertThat(Files.getPosixFilePermissions(profile))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.exists(profile.resolveSibling("other"))).isFalse();
        // the saved profile alone names the daemon and the token
        assertThat(cli.run("runs", "--profile", profile.toString())).isEmpty();
        assertThat(lines("RUN ")).hasSize(1);
    }

    @Test
    void anUnreachableDaemonIsOneLineNotAStackTrace() {
        Optional<Throwable> result = cli.run("runs", "--url", "http://127.0.0.1:1");

        assertThat(result.orElseThrow()).isInstanceOf(CommandFailedException.class);
        assertThat(result.orElseThrow().getMessage())
                .startsWith("cannot reach the Kindling daemon at http://127.0.0.1:1");
    }
}
