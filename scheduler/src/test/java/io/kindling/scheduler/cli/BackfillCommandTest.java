package io.kindling.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.KindlingCli;
import io.kindling.scheduler.support.MutableClock;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kindling backfill} through Dropwizard's real command line against the real daemon. The daemon's clock
 * stands still after the days backfilled, so its own schedule creates no runs of its own meanwhile.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BackfillCommandTest {
    private static final List<String> FIVE_DAYS = List.of(
            "2026-06-01T02:00:00Z",
            "2026-06-02T02:00:00Z",
            "2026-06-03T02:00:00Z",
            "2026-06-04T02:00:00Z",
            "2026-06-05T02:00:00Z");

    @RegisterExtension
    final KindlingCli cli = new KindlingCli();

    private KindlingApp daemon;
    private Http api;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.stop();
        }
    }

    private void startDaemon() throws Exception {
        daemon = KindlingApp.create(
                        new MutableClock(Instant.parse("2026-06-10T12:00:00Z")), false, "pipelines/backfill_cli")
                .start();
        api = new Http(daemon);
    }

    private String url() {
        return "http://localhost:" + daemon.extension.getLocalPort();
    }

    /** The command, with a profile holding the test daemon's admin token (as {@code kindling login} writes it). */
    private Optional<Throwable> kindling(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--profile",
                KindlingCli.profileWithToken(KindlingApp.ADMIN_TOKEN).toString()));
        return cli.run(all.toArray(String[]::new));
    }

    /** The command's lines: the daemon runs in this JVM, so its log lines land in stdout too. */
    private List<String> lines(String prefix) {
        return cli.stdout().lines().filter(l -> l.startsWith(prefix)).toList();
    }

    private String stderr() {
        return cli.stderr();
    }

    @Test
    void dryRunPrintsTheLogicalTimesAndCreatesNothing() throws Exception {
        startDaemon();
        Optional<Throwable> result = kindling(
                "backfill", "daily_ok", "--from", "2026-06-01", "--to", "2026-06-05", "--dry-run", "--url", url());

        assertThat(result).isEmpty();
        assertThat(lines("would run"))
                .extracting(l -> l.substring("would run".length()).strip())
                .containsExactlyElementsOf(FIVE_DAYS);
        assertThat(lines("skipped")).isEmpty();
        assertThat(lines("5 runs")).containsExactly("5 runs would be created, 0 times already have a run");
        assertThat(api.runs("daily_ok")).isEmpty();
    }

    @Test
    void backfillFollowsItsRunsToSuccessAndThenFindsNothingLeftToDo() throws Exception {
        startDaemon();
        Optional<Throwable> result = kindling(
                "backfill",
                "daily_ok",
                "--from",
                "2026-06-01",
                "--to",
                "2026-06-05",
                "--max-active-runs",
                "2",
                "--url",
                url(),
                "--poll-interval",
                "50");

        assertThat(result).isEmpty();
        List<String> backfill = lines("backfill ");
        assertThat(backfill.get(0))
                .matches("backfill \\w+: 5 runs of daily_ok from 2026-06-01T00:00:00Z to "
                        + "2026-06-05T23:59:59.999Z, at most 2 at once");
        String id = backfill.get(0).split("[ :]")[1];
        List<String> progress = backfill.subList(1, backfill.size() - 1);
        assertThat(progress)
                .isNotEmpty()
                .allMatch(l ->
                        l.matches("backfill " + id + ": \\d/5 done( \\(\\d succeeded\\))?, \\d running, \\d queued"));
        assertThat(progress).last().isEqualTo("backfill " + id + ": 5/5 done (5 succeeded), 0 running, 0 queued");
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i)).as("a line only when the counts change").isNotEqualTo(progress.get(i - 1));
        }
        assertThat(backfill).last().isEqualTo("backfill " + id + ": all 5 runs succeeded");

        List<JsonNode> runs = api.runs("daily_ok");
        assertThat(runs).extracting(r -> r.get("logical_time").asText()).containsExactlyElementsOf(FIVE_DAYS);
        assertThat(runs).allSatisfy(r -> {
            assertThat(r.get("trigger").asText()).isEqualTo("backfill");
            assertThat(r.get("state").asText()).isEqualTo("SUCCEEDED");
        });

        // the same range again: every time has a run now
        assertThat(kindling("backfill", "daily_ok", "--from", "2026-06-01", "--to", "2026-06-05", "--url", url()))
                .isEmpty();
        assertThat(lines("nothing to backfill"))
                .containsExactly("nothing to backfill: every scheduled time between "
                        + "2026-06-01T00:00:00Z and 2026-06-05T23:59:59.999Z already has a run (5)");

        // a wider dry run shows which times are covered, and by which run
        assertThat(kindling(
                        "backfill",
                        "daily_ok",
                        "--from",
                        "2026-06-04",
                        "--to",
                        "2026-06-07",
                        "--dry-run",
                        "--url",
                        url()))
                .isEmpty();
        assertThat(lines("would run"))
                .extracting(l -> l.substring("would run".length()).strip())
                .containsExactly("2026-06-06T02:00:00Z", "2026-06-07T02:00:00Z");
        assertThat(lines("skipped"))
                .containsExactly(
                        "skipped    2026-06-04T02:00:00Z  has run "
                                + runs.get(3).get("run_id").asText() + " (backfill, SUCCEEDED)",
                        "skipped    2026-06-05T02:00:00Z  has run "
                                + runs.get(4).get("run_id").asText() + " (backfill, SUCCEEDED)");
        assertThat(lines("2 runs")).containsExactly("2 runs would be created, 2 times already have a run");
    }

    @Test
    void aBackfillWithFailedRunsFailsNamingHowMany() throws Exception {
        startDaemon();
        Optional<Throwable> result = kindling(
                "backfill",
                "daily_fails",
                "--from",
                "2026-06-01",
                "--to",
                "2026-06-03",
                "--url",
                url(),
                "--poll-interval",
                "50");

        assertThat(result).isPresent();
        assertThat(result.get())
                .isInstanceOf(CommandFailedException.class)
                .hasMessageMatching("backfill \\w+ did not succeed: 3 failed \\(of 3 runs\\)");
        assertThat(lines("backfill ")).last().asString().endsWith(": 3/3 done (3 failed), 0 running, 0 queued");
        assertThat(stderr()).contains("did not succeed: 3 failed").doesNotContain("\tat ");
        assertThat(api.runs("daily_fails"))
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.get("state").asText()).isEqualTo("FAILED"));
    }

    @Test
    void anApiErrorPrintsTheDaemonsMessage() throws Exception {
        startDaemon();
        Optional<Throwable> unknown =
                kindling("backfill", "nope", "--from", "2026-06-01", "--to", "2026-06-05", "--url", url());

        assertThat(unknown).isPresent();
        assertThat(unknown.get()).isInstanceOf(CommandFailedException.class).hasMessage("pipeline 'nope' not found");
        assertThat(stderr()).isEqualTo("pipeline 'nope' not found" + System.lineSeparator());

        Optional<Throwable> badDate =
                kindling("backfill", "daily_ok", "--from", "June 1st", "--to", "2026-06-05", "--url", url() + "/");
        assertThat(badDate).isPresent();
        assertThat(badDate.get())
                .hasMessage(
                        "from: expected a date (2026-10-01) or an instant " + "(2026-10-01T06:00:00Z), got 'June 1st'");
        assertThat(stderr()).doesNotContain("\tat ");
    }

    @Test
    void withoutATokenTheCommandSaysHowToGiveOne() throws Exception {
        startDaemon();
        Optional<Throwable> result = cli.run(
                "backfill",
                "daily_ok",
                "--from",
                "2026-06-01",
                "--to",
                "2026-06-05",
                "--url",
                url(),
                "--profile",
                daemon.workDir.resolve("no-profile").toString());

        assertThat(result).isPresent();
        assertThat(result.get())
                .isInstanceOf(CommandFailedException.class)
                .hasMessage(
                        "not signed in to " + url() + "; run 'kindling login " + url() + "' or set $KINDLING_TOKEN");
        assertThat(api.runs("daily_ok")).isEmpty();
    }

    @Test
    void theTokenMayComeFromTheProfileFile() throws Exception {
        startDaemon();
        java.nio.file.Path profile = daemon.workDir.resolve("profile");
        java.nio.file.Files.writeString(profile, "url=" + url() + "\ntoken=" + KindlingApp.ADMIN_TOKEN + "\n");

        CliProfile resolved = CliProfile.resolve(null, null, java.util.Map.of("KINDLING_PROFILE", profile.toString()));

        assertThat(resolved).isEqualTo(new CliProfile(url(), Optional.of(KindlingApp.ADMIN_TOKEN)));
        assertThat(CliProfile.resolve(null, profile.toString(), java.util.Map.of())
                        .token())
                .contains(KindlingApp.ADMIN_TOKEN);
        assertThat(CliProfile.resolve(
                                null,
                                null,
                                java.util.Map.of(
                                        "KINDLING_PROFILE",
                                        profile.toString(),
                                        "KINDLING_TOKEN",
                                        "kdl_from-env-wins-over-the-file"))
                        .token())
                .contains("kdl_from-env-wins-over-the-file");
        assertThat(cli.run(
                        "backfill",
                        "daily_ok",
                        "--from",
                        "2026-06-01",
                        "--to",
                        "2026-06-01",
                        "--dry-run",
                        "--profile",
                        profile.toString()))
                .isEmpty();
    }

    @Test
    void anUnreachableDaemonIsSaidSo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://localhost:" + closedPort;
        Optional<Throwable> result =
                kindling("backfill", "daily_ok", "--from", "2026-06-01", "--to", "2026-06-05", "--url", url);

        assertThat(result).isPresent();
        assertThat(result.get())
                .isInstanceOf(CommandFailedException.class)
                .hasMessageStartingWith("cannot reach the Kindling daemon at " + url + ": ");
        assertThat(stderr())
                .startsWith("cannot reach the Kindling daemon at " + url + ": ")
                .doesNotContain("\tat ");
        assertThat(Stream.of(stderr().split("\n"))).hasSize(1);
    }
}
