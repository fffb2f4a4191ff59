package io.kindling.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball of the package phase as an operator installs it: unpacked into a folder of its own, started with its
 * bundled config.yml from another working directory through its bin/kindling, with a PATH whose {@code mvn} fails
 * the test if called. The example pipeline runs to SUCCEEDED, and SIGTERM stops the daemon with status 0.
 */
class DistributionIT {
    private static final String TOKEN = "kdl_distribution_test_token_0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration SPARK = Duration.ofMinutes(3);

    @TempDir
    Path work;

    private Process daemon;

    @Test
    void theUnpackedTarballRunsTheExampleWithOnlyAJavaRuntime() throws Exception {
        String version = System.getProperty("kindling.dist.version");
        Path tarball = Path.of(System.getProperty("kindling.dist.tarball"));
        Path install = Files.createDirectories(work.resolve("opt"));
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        Path log = work.resolve("daemon.log");
        assertThat(run(install, "tar", "-xzf", tarball.toString())).isZero();
        Path home = install.resolve("kindling-" + version);

        assertThat(home.resolve("bin/kindling")).isExecutable();
        assertThat(home.resolve("config.yml")).isRegularFile();
        assertThat(home.resolve("examples/pipelines/people.yml")).isRegularFile();
        assertThat(home.resolve("systemd/kindling.service")).content().contains("Restart=on-failure");
        assertThat(home.resolve("lib/kindling-scheduler-" + version + ".jar")).isRegularFile();
        for (String jar :
                Files.readString(home.resolve("lib/classpath.txt")).trim().split(":")) {
            assertThat(home.resolve(jar)).as("a jar of lib/classpath.txt").isRegularFile();
        }

        Path noMaven = fakeMaven(work.resolve("maven-called"));
        int[] ports = freePorts(2);
        String api = "http://127.0.0.1:" + ports[0] + "/api/v1";
        daemon = start(home, elsewhere, noMaven, ports, log);
        assertThat(get(api + "/pipelines").body()).contains("\"people\"");

        String runId = JSON.readTree(post(api + "/pipelines/people/runs").body())
                .path("run_id")
                .asText();
        await().atMost(SPARK)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> state(api, runId), s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
        assertThat(state(api, runId))
                .as("the example run's state; log:\n%s", log)
                .isEqualTo("SUCCEEDED");

        daemon.destroy();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).as("exit status after SIGTERM").isZero();
        assertThat(work.resolve("maven-called")).doesNotExist();
        assertThat(home.resolve("data/kindling.db")).isRegularFile();
        assertThat(home.resolve("data/logs/people/" + runId)).isDirectory();
        assertThat(elsewhere)
                .as("nothing is written where the daemon was started")
                .isEmptyDirectory();

        // the first stop wrote the classes it loaded into a class-data sharing archive, which the next start maps
        Path cds = home.resolve("lib/cds");
        assertThat(archives(cds)).singleElement().asString().matches("kindling-[0-9]+\\.[0-9]+\\.jsa");
        Path second = work.resolve("daemon-2.log");
        daemon = start(home, elsewhere, noMaven, ports, second);
        assertThat(archives(cds)).singleElement().asString().matches("kindling-[0-9]+\\.jsa");
        assertThat(Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "cmdline")))
                .contains("-XX:SharedArchiveFile=" + cds.resolve(archives(cds).get(0)));
        assertThat(state(api, runId)).isEqualTo("SUCCEEDED");
        daemon.destroy();
        assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(daemon.exitValue()).as("exit status after SIGTERM").isZero();
        assertThat(Files.readAllLines(second))
                .as("the JVM says nothing of the archive")
                .noneMatch(line -> line.contains("[cds") || line.startsWith("[") && line.contains("warning"));
    }

    /** Starts bin/kindling server with the bundled config from another folder, and waits until the API answers. */
    private Process start(Path home, Path elsewhere, Path noMaven, int[] ports, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        home.resolve("bin/kindling").toString(),
                        "server",
                        home.resolve("config.yml").toString())
                .directory(elsewhere.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("PATH", noMaven + ":" + Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        env.remove("JAVA_HOME");
        env.remove("KINDLING_CDS_DIR");
        env.put("KINDLING_BOOTSTRAP_TOKEN", TOKEN);
        env.put(
                "JAVA_OPTS",
                "-Ddw.server.applicationConnectors[0].port=" + ports[0] + " -Ddw.server.adminConnectors[0].port="
                        + ports[1]);
        Process process = builder.start();
        String api = "http://127.0.0.1:" + ports[0] + "/api/v1";
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(
                                "the daemon exited with " + process.exitValue() + ":\n" + Files.readString(log));
                    }
                    return status(api + "/pipelines") == 200;
                });
        return process;
    }

    private static List<String> archives(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @AfterEach
    void killWhatIsLeft() throws InterruptedException {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A folder whose {@code mvn} leaves {@code marker} behind and fails: the distribution must never call it. */
    private static Path fakeMaven(Path marker) throws IOException {
        Path bin = Files.createDirectories(marker.resolveSibling("no-maven"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + marker + "'\nexit 97\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static String state(String api, String runId) throws IOException, InterruptedException {
        JsonNode run = JSON.readTree(get(api + "/runs/" + runId).body());
        return run.path("state").asText();
    }

    /** The status of a GET, or -1 while nothing listens. */
    private static int status(String url) throws InterruptedException {
        try {
            return get(url).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(request(url).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                request(url)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("POST %s: %s", url, response.body())
                .isBetween(200, 299);
        return response;
    }

    private static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN);
    }

    private static int run(Path directory, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command))
                .directory(directory.toFile())
                .inheritIO()
                .start();
        return process.waitFor(2, TimeUnit.MINUTES) ? process.exitValue() : -1;
    }

    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            sockets[i] = new ServerSocket(0);
            ports[i] = sockets[i].getLocalPort();
        }
        for (ServerSocket socket : sockets) {
            socket.close();
        }
        return ports;
    }
}
