package io.kindling.scheduler.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TcpProxy;
import io.kindling.scheduler.support.TestDatabases;
import io.kindling.scheduler.support.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away while runs are in flight and comes back, for real: the link to PostgreSQL cut by a TCP proxy
 * (15 s here; {@code -Dkindling.outage.seconds=120} in the soak), or the PostgreSQL server restarted with
 * {@code pg_ctlcluster restart}. The daemon, never restarted, carries on by itself: every scheduled time from the
 * first to the last has exactly one run, all ended and succeeded, no two attempts of a task overlap, none succeeded
 * twice.
 */
class DatabaseOutageTest {
    private static final Duration EVERY = Duration.ofSeconds(2);
    private static final Pattern POSTGRES = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/");

    @Test
    void theDatabaseLinkCutWhileRunsAreInFlightLosesNoRunAndRunsNoneTwice(@TempDir Path work) throws Exception {
        String url = TestDatabases.postgresUrl();
        Matcher server = POSTGRES.matcher(url);
        assertThat(server.find()).as("a PostgreSQL URL: %s", url).isTrue();
        int seconds = Integer.getInteger("kindling.outage.seconds", 15);
        try (TcpProxy link = new TcpProxy(server.group(1), Integer.parseInt(server.group(2)))) {
            String viaLink = server.replaceFirst("jdbc:postgresql://127.0.0.1:" + link.port() + "/");
            String log = outage(work, viaLink, url, () -> {
                link.cut();
                long back = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
                await().atMost(Duration.ofSeconds(seconds + 10))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> System.nanoTime() >= back);
                link.mend();
            });
            assertThat(log)
                    .as("cut off for longer than its lease, the daemon fenced itself and took its runs up again")
                    .contains("could not renew its heartbeat")
                    .contains("taking its runs up again");
        }
    }

    @Test
    void postgresqlRestartedWhileRunsAreInFlightLosesNoRunAndRunsNoneTwice(@TempDir Path work) throws Exception {
        String url = TestDatabases.postgresUrl();
        String cluster = localCluster();
        outage(work, url, url, () -> {
            Process restart = new ProcessBuilder("pg_ctlcluster", cluster, "main", "restart")
                    .redirectErrorStream(true)
                    .start();
            String output = new String(restart.getInputStream().readAllBytes());
            assertThat(restart.waitFor())
                    .as("pg_ctlcluster restart: %s", output)
                    .isZero();
        });
    }

    @Test
    void aSqliteDiskThatFillsUpAndIsFreedAgainLosesNoRunAndRunsNoneTwice(@TempDir Path work) throws Exception {
        Path disk = Files.createDirectories(work.resolve("disk"));
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk.toString()) == 0,
                "cannot mount a small tmpfs here (not root?) to fill up");
        try {
            String url = "jdbc:sqlite:" + disk.resolve("kindling.db");
            String log = outage(work, url, url, () -> {
                Path filler = disk.resolve("filler");
                fill(filler);
                long freeAt = System.nanoTime() + Duration.ofSeconds(8).toNanos();
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> System.nanoTime() >= freeAt);
                Files.delete(filler);
            });
            assertThat(log)
                    .as("the full disk was seen and said")
                    .containsAnyOf("SQLITE_FULL", "SQLITE_IOERR", "database or disk is full");
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    @Test
    void aSqliteFileOnADiskMadeReadOnlyIsRefusedAtStartWithAClearErrorAndKeptWhole(@TempDir Path work)
            throws Exception {
        Path disk = Files.createDirectories(work.resolve("disk"));
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", disk.toString()) == 0,
                "cannot mount a tmpfs here (not root?) to make read-only");
        try {
            Path file = disk.resolve("kindling.db");
            String url = "jdbc:sqlite:" + file;
            Path pipelines = Files.createDirectories(work.resolve("pipelines"));
            TestDirs.copyTree(TestDirs.resource("pipelines/durability"), pipelines);
            int port = DaemonProcess.freePort();
            Path config = DaemonProcess.writeConfig(work, "config.yml", url, pipelines, port, "ro", "1s", "6s");
            History history = new History(url);
            DaemonProcess daemon = DaemonProcess.start(config, port, work.resolve("daemon.log"));
            await().atMost(Duration.ofSeconds(60)).until(() -> history.attempts() >= 4);
            assertThat(daemon.stop(Duration.ofSeconds(60))).isZero();
            int runs = history.count("SELECT COUNT(*) FROM runs");
            assertThat(run("mount", "-o", "remount,ro", disk.toString())).isZero();

            Path refused = work.resolve("refused.log");
            int status = DaemonProcess.runToExit(
                    Path.of("").toAbsolutePath(), refused, Duration.ofSeconds(90), "server", config.toString());

            String said = Files.readString(refused);
            assertThat(status).as(said).isNotZero();
            assertThat(said)
                    .contains("kindling: cannot start")
                    .contains("read-only")
                    .contains(file.toString());
            assertThat(run("mount", "-o", "remount,rw", disk.toString())).isZero();
            assertThat(history.count("SELECT COUNT(*) FROM runs")).isEqualTo(runs);
            DaemonProcess again = DaemonProcess.start(config, port, work.resolve("daemon.log"));
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> history.count("SELECT COUNT(*) FROM runs WHERE state = 'SUCCEEDED'") > runs);
                assertThat(again.post("/api/v1/pipelines/ticking/pause")).isEqualTo(200);
                await().atMost(Duration.ofSeconds(90)).until(() -> history.unfinishedRuns() == 0);
            } finally {
                again.stop(Duration.ofSeconds(60));
            }
            history.assertExactlyOnce("ticking", EVERY);
        } finally {
            run("umount", "-l", disk.toString());
        }
    }

    /** Writes {@code file} until the disk has no room left. */
    private static void fill(Path file) throws java.io.IOException {
        byte[] chunk = new byte[64 * 1024];
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (java.io.IOException full) {
            // no space left: what the test wanted
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private interface Fault {
        void cause() throws Exception;
    }

    /** Returns the daemon's log. */
    private static String outage(Path work, String daemonUrl, String url, Fault fault) throws Exception {
        Path pipelines = Files.createDirectories(work.resolve("pipelines"));
        TestDirs.copyTree(TestDirs.resource("pipelines/durability"), pipelines);
        int port = DaemonProcess.freePort();
        Path config = DaemonProcess.writeConfig(work, "config.yml", daemonUrl, pipelines, port, "outage", "1s", "6s");
        Path log = work.resolve("daemon.log");
        History history = new History(url);
        DaemonProcess daemon = DaemonProcess.start(config, port, log);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> history.attempts() >= 8);
            int runsBefore = history.count("SELECT COUNT(*) FROM runs");
            fault.cause();
            // carries on by itself: new runs are made and end
            await().atMost(Duration.ofSeconds(90))
                    .until(() ->
                            history.count("SELECT COUNT(*) FROM runs WHERE state = 'SUCCEEDED'") >= runsBefore + 3);
            assertThat(daemon.post("/api/v1/pipelines/ticking/pause")).isEqualTo(200);
            await().atMost(Duration.ofSeconds(90)).until(() -> history.unfinishedRuns() == 0);
            assertThat(daemon.alive()).isTrue();
        } finally {
            daemon.stop(Duration.ofSeconds(60));
        }
        int runs = history.assertExactlyOnce("ticking", EVERY);
        String written = Files.readString(log);
        System.out.printf(
                "DatabaseOutageTest: %d scheduled runs, %d attempts; %d runs dropped on a failed write and taken up "
                        + "again, %d fences%n",
                runs,
                history.attempts(),
                count(written, "the run history could not be written ("),
                count(written, "could not renew its heartbeat"));
        return written;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The version of the local PostgreSQL cluster the tests use, as pg_ctlcluster names it. */
    static String localCluster() throws Exception {
        Process list = new ProcessBuilder("pg_lsclusters", "-h")
                .redirectErrorStream(true)
                .start();
        String clusters = new String(list.getInputStream().readAllBytes());
        list.waitFor();
        Matcher online =
                Pattern.compile("(?m)^(\\S+)\\s+main\\s+5432\\s+online").matcher(clusters);
        Assumptions.assumeTrue(online.find(), "no local PostgreSQL cluster on 5432 to restart: " + clusters);
        return online.group(1);
    }
}
