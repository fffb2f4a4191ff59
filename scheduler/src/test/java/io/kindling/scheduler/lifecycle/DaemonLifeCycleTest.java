package io.kindling.scheduler.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.TestDirs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as an operator meets it: the repository's own config.yml and example, copied into a folder of their own
 * and started as a process from another working directory with a relative path to the config. It reads and writes
 * under the config's folder, starts and warms its Spark process once ready without a WARN or ERROR line, runs the
 * first task warm, and exits 0 on SIGTERM; a start that cannot succeed ends non-zero with one line saying why.
 */
class DaemonLifeCycleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SPARK = Duration.ofMinutes(3);
    private static final Pattern WARNING = Pattern.compile("\\b(WARN|ERROR)\\b");
    private static final Pattern STACK_FRAME = Pattern.compile("^\\s+at |^Caused by: |Exception:");

    @TempDir
    Path work;

    private Path home;
    private Path elsewhere;
    private Path log;
    private int apiPort;
    private int adminPort;
    private DaemonProcess daemon;

    /** kindling/: config.yml (free ports) and the people example; elsewhere/: where the daemon is started. */
    @BeforeEach
    void install() throws IOException {
        home = Files.createDirectories(work.resolve("kindling"));
        elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        log = work.resolve("daemon.log");
        Path repository = TestDirs.repositoryRoot();
        int[] ports = DaemonProcess.freePorts(2);
        apiPort = ports[0];
        adminPort = ports[1];
        String config = Files.readString(repository.resolve("config.yml"))
                .replace("port: 8080", "port: " + apiPort)
                .replace("port: 8081", "port: " + adminPort);
        Files.writeString(home.resolve("config.yml"), config);
        // people only: no heartbeat firing every minute, so that no task runs until the test triggers one
        Path pipelines = Files.createDirectories(home.resolve("examples/pipelines"));
        Files.copy(repository.resolve("examples/pipelines/people.yml"), pipelines.resolve("people.yml"));
        TestDirs.copyTree(repository.resolve("examples/pipelines/sql"), pipelines.resolve("sql"));
        TestDirs.copyTree(repository.resolve("examples/data"), home.resolve("examples/data"));
    }

    @Test
    void aStartFromAnotherFolderWorksUnderTheConfigsFolderWarmsSparkQuietlyAndStopsWithStatus0() throws Exception {
        daemon = DaemonProcess.start(elsewhere, "../kindling/config.yml", apiPort, log, true);

        assertThat(daemon.get("/api/v1/pipelines")).contains("\"people\"");
        assertThat(home.resolve("data/kindling.db")).isRegularFile();
        assertThat(elsewhere).isEmptyDirectory();
        assertThat(Files.readString(log))
                .contains("paths (relative ones in the config resolve against " + home
                        + "): database SQLite " + home.resolve("data/kindling.db") + "; source examples "
                        + home.resolve("examples/pipelines") + "; workDir " + home + "; logDir "
                        + home.resolve("data/logs"));

        // the Spark process starts and warms up by itself once the API serves, before any task
        await().atMost(SPARK)
                .until(() -> daemon.get(adminPort, "/prometheus")
                        .contains("kindling_executor_spark_process_warm{executor=\"local\"} 1.0"));
        assertThat(daemon.get(adminPort, "/prometheus"))
                .contains("kindling_executor_spark_process_up{executor=\"local\"} 1.0");
        assertThat(JSON.readTree(daemon.get("/api/v1/runs")).get("runs")).isEmpty();

        String runId = JSON.readTree(daemon.postForBody("/api/v1/pipelines/people/runs"))
                .path("run_id")
                .asText();
        await().atMost(SPARK).until(() -> state(daemon, runId), s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
        assertThat(state(daemon, runId)).isEqualTo("SUCCEEDED");
        Path firstLog = home.resolve("data/logs/people/" + runId + "/adults.1.log");
        assertThat(firstLog).content().contains("attempt succeeded").doesNotContain("starting Spark");
        try (var outputs = Files.list(home.resolve("data/out/people"))) {
            assertThat(outputs).isNotEmpty();
        }

        assertThat(daemon.stop(Duration.ofSeconds(60)))
                .as("exit status after SIGTERM")
                .isZero();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines)
                .filteredOn(line -> WARNING.matcher(line).find())
                .as("WARN and ERROR lines")
                .isEmpty();
        assertThat(lines).anyMatch(line -> line.contains("Spark warmed up in"));
    }

    @AfterEach
    void killWhatIsLeft() throws InterruptedException {
        if (daemon != null && daemon.alive()) {
            daemon.kill();
        }
    }

    @Test
    void aPortInUseEndsTheStartWithOneLineAndAFailureStatus() throws Exception {
        try (ServerSocket taken = new ServerSocket(apiPort, 1, InetAddress.getLoopbackAddress())) {
            int status =
                    DaemonProcess.runToExit(elsewhere, log, Duration.ofSeconds(90), "server", "../kindling/config.yml");

            assertThat(status).isNotZero();
        }
        assertOneLineSaying(
                "kindling: cannot start: Failed to bind to /127.0.0.1:" + apiPort + ": Address already in use");
    }

    @Test
    void aBadConfigEndsTheStartWithOneLineAndAFailureStatus() throws Exception {
        Files.writeString(home.resolve("bad.yml"), "executors:\n  local:\n    slots: many\n");

        int status = DaemonProcess.runToExit(elsewhere, log, Duration.ofSeconds(90), "server", "../kindling/bad.yml");

        assertThat(status).isNotZero();
        assertOneLineSaying("kindling: cannot start: ../kindling/bad.yml has an error: * Incorrect type of value at: "
                + "executors.local.slots");
    }

    @Test
    void anUnreachableDatabaseEndsTheStartWithOneLineAndAFailureStatus() throws Exception {
        int closed = DaemonProcess.freePort();
        String config = Files.readString(home.resolve("config.yml"))
                .replace(
                        "${KINDLING_DB_URL:-jdbc:sqlite:data/kindling.db}",
                        "jdbc:postgresql://127.0.0.1:" + closed + "/none");
        Files.writeString(home.resolve("config.yml"), config);

        int status =
                DaemonProcess.runToExit(elsewhere, log, Duration.ofSeconds(90), "server", "../kindling/config.yml");

        assertThat(status).isNotZero();
        assertOneLineSaying("kindling: cannot start: cannot connect to the database jdbc:postgresql://127.0.0.1:"
                + closed + "/none: Connection to 127.0.0.1:" + closed + " refused");
    }

    @Test
    void versionIsPrinted() throws Exception {
        assertThat(DaemonProcess.runToExit(elsewhere, log, Duration.ofSeconds(60), "--version"))
                .isZero();

        assertThat(Files.readAllLines(log))
                .singleElement()
                .asString()
                .matches("kindling \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    /** The output has exactly one line starting with {@code expected}, and no stack trace. */
    private void assertOneLineSaying(String expected) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines)
                .filteredOn(line -> line.startsWith("kindling: "))
                .singleElement()
                .asString()
                .startsWith(expected);
        assertThat(lines)
                .filteredOn(line -> STACK_FRAME.matcher(line).find())
                .as("stack trace lines")
                .isEmpty();
        assertThat(lines)
                .filteredOn(line -> line.startsWith("ERROR"))
                .as("ERROR lines")
                .isEmpty();
    }

    private static String state(DaemonProcess daemon, String runId) throws IOException {
        JsonNode run = JSON.readTree(daemon.get("/api/v1/runs/" + runId));
        return run.path("state").asText();
    }
}
