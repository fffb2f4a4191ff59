package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The daemon, as a process of its own, killed with SIGKILL at random points while a pipeline of short tasks fires
 * every two seconds, and started again each time. Afterwards every scheduled time has exactly one run, every run
 * has ended and succeeded, and no task ran two attempts at once or succeeded twice.
 *
 * <p>{@code -Dkindling.kills=N} sets the number of kills (10 here; the {@code soak} Maven profile runs 100);
 * {@code -Dkindling.seed=S} replays a run of the test (its seed is printed).
 */
class KillTest {
    private static final Duration EVERY = Duration.ofSeconds(2);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")
    void sigkillAtRandomPointsLosesNoRunAndRunsNoAttemptTwice(
            String name, Function<Path, String> database, @TempDir Path work) throws Exception {
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/durability"), pipelines);
        String url = database.apply(work);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(work, "config.yml", url, pipelines, port, "kill-test", "1s", "6s");
        Path log = work.resolve("daemon.log");
        History history = new History(url);
        int kills = Integer.getInteger("kindling.kills", 10);
        long seed = Long.getLong("kindling.seed", System.nanoTime());
        System.out.println("KillTest " + name + ": " + kills + " kills, seed " + seed + ", log " + log);
        Random random = new Random(seed);

        for (int i = 0; i < kills; i++) {
            DaemonProcess daemon = DaemonProcess.start(config, port, log);
            // kill after a random number of attempts have started: mid-task, mid-run, between runs
            int target = history.attempts() + 1 + random.nextInt(12);
            await().atMost(Duration.ofSeconds(60)).until(() -> history.attempts() >= target);
            daemon.kill();
        }

        DaemonProcess last = DaemonProcess.start(config, port, log);
        assertThat(last.post("/api/v1/pipelines/ticking/pause")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(90)).until(() -> history.unfinishedRuns() == 0);
        last.stop(Duration.ofSeconds(60));

        int runs = history.assertExactlyOnce("ticking", EVERY);
        int interrupted = history.count("SELECT COUNT(*) FROM task_attempts WHERE error LIKE 'daemon restarted%'");
        System.out.println("KillTest " + name + ": " + runs + " scheduled runs, " + history.attempts() + " attempts, "
                + interrupted + " of them cut short by a kill");
        assertThat(interrupted)
                .as("kills that cut an attempt short (else the test proved little)")
                .isPositive();
        assertThat(history.count("SELECT COUNT(*) FROM daemons WHERE stopped_at IS NULL"))
                .as("daemon lives not accounted for")
                .isZero();
    }
}
