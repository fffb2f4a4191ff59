package io.kindling.scheduler.support;

import static org.awaitility.Awaitility.await;

import io.kindling.scheduler.KindlingApplication;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The daemon as a process of its own (the test JVM's classpath, {@code KindlingApplication server config.yml}), so
 * that a test can kill it with SIGKILL or stop it with SIGTERM as an operator or the kernel would.
 */
public final class DaemonProcess {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;

    private DaemonProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts a daemon on {@code config} (which must use {@code port} for its API) and waits until its API answers.
     * Its output is appended to {@code log}.
     */
    public static DaemonProcess start(Path config, int port, Path log) {
        return start(config, port, log, true);
    }

    /**
     * As {@link #start(Path, int, Path)}; without {@code testToken} the daemon gets no bootstrap token (and so, on
     * an empty database, makes and prints its first admin token), and the wait is for its API's 401.
     */
    public static DaemonProcess start(Path config, int port, Path log, boolean testToken) {
        return start(Path.of("").toAbsolutePath(), config.toString(), port, log, testToken);
    }

    /**
     * As {@link #start(Path, int, Path, boolean)}, in the working directory {@code directory}, with {@code config} as
     * given on the command line (a relative path is relative to {@code directory}).
     */
    public static DaemonProcess start(Path directory, String config, int port, Path log, boolean testToken) {
        Process process = launch(directory, testToken, log, "server", config);
        DaemonProcess daemon = new DaemonProcess(process, port);
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("the daemon exited with " + process.exitValue() + "; see " + log);
                    }
                    return daemon.status("/api/v1/pipelines") == (testToken ? 200 : 401);
                });
        return daemon;
    }

    /**
     * Runs {@code KindlingApplication args...} in {@code directory} to its end (a start that fails, --version) and
     * returns its exit status; its output is appended to {@code log}.
     */
    public static int runToExit(Path directory, Path log, Duration timeout, String... args)
            throws InterruptedException {
        Process process = launch(directory, true, log, args);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("KindlingApplication " + String.join(" ", args) + " did not end within " + timeout
                    + "; see " + log);
        }
        return process.exitValue();
    }

    private static Process launch(Path directory, boolean testToken, Path log, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-XX:TieredStopAtLevel=1"); // short-lived JVMs: start fast rather than peak
        command.addAll(List.of(jvmFlags().split("\\s+")));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.kindling.scheduler.KindlingApplication");
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
            // the daemon's admin token, as automation passes it (docs/auth.md); requests below send it
            if (testToken) {
                builder.environment().put(KindlingApplication.BOOTSTRAP_TOKEN_ENV, KindlingApp.ADMIN_TOKEN);
            } else {
                builder.environment().remove(KindlingApplication.BOOTSTRAP_TOKEN_ENV);
            }
            return builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Spark/JDK flags the daemon is started with (bin/kindling reads the same file). */
    private static String jvmFlags() {
        try (InputStream in = DaemonProcess.class.getResourceAsStream("/kindling-jvm-flags.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Several distinct free ports at once (a port chosen alone may be handed out again before it is bound). */
    public static int[] freePorts(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0);
                ports[i] = sockets[i].getLocalPort();
            }
            for (ServerSocket socket : sockets) {
                socket.close();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The full URL of an API path, e.g. {@code api("/runs")}. */
    public String api(String path) {
        return "http://127.0.0.1:" + port + "/api/v1" + path;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the process ends at once, mid-whatever. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the daemon did not die of SIGKILL");
        }
    }

    /** SIGTERM, then waits for the clean stop; returns the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the daemon did not stop within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public int status(String path) {
        try {
            return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** POSTs an empty JSON object; returns the status. */
    public int post(String path) {
        try {
            return HTTP.send(
                            request(path)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs an empty JSON object; returns the body of the answer. */
    public String postForBody(String path) {
        try {
            return HTTP.send(
                            request(path)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String get(String path) {
        try {
            return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        return request(port, path);
    }

    private static HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + KindlingApp.ADMIN_TOKEN);
    }

    /** GET {@code path} on another port of the daemon (its admin port), with the admin token; the body. */
    public String get(int otherPort, String path) {
        try {
            return HTTP.send(request(otherPort, path).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A config.yml for a daemon of these tests: sleep executors only (300 ms, 5 s and 12 s), no Spark; 10 s of grace
     * for running attempts on SIGTERM.
     *
     * @param heartbeat the cluster's heartbeat interval and the age of a heartbeat that makes a daemon dead, as
     *                  Dropwizard durations (e.g. "3s", "20s": the defaults)
     */
    public static Path writeConfig(
            Path folder,
            String name,
            String databaseUrl,
            Path pipelines,
            int port,
            String node,
            String heartbeat,
            String deadAfter) {
        String yaml = """
                database:
                  url: "%s"
                pipelines: "%s"
                workDir: "%s"
                logDir: "%s"
                defaultExecutor: sleep
                executors:
                  sleep:
                    type: sleep
                    slots: 4
                    options:
                      millis: "300"
                  sleep5s:
                    type: sleep
                    options:
                      millis: "5000"
                  sleep12s:
                    type: sleep
                    options:
                      millis: "12000"
                  journal12s:
                    type: sleep
                    options:
                      millis: "12000"
                      journal: "%s"
                  journal1s:
                    type: sleep
                    slots: 4
                    options:
                      millis: "1000"
                      journal: "%s"
                  local:
                    type: local
                    slots: 2
                    options:
                      warmup: lazy
                auth:
                  adminTokenFile: "%s"
                cluster:
                  node: "%s"
                  heartbeatInterval: %s
                  deadAfter: %s
                  shutdownGrace: 10s
                server:
                  applicationConnectors:
                    - type: http
                      port: %d
                  adminConnectors:
                    - type: http
                      port: 0
                logging:
                  level: INFO
                  loggers:
                    org.quartz: WARN
                    org.flywaydb: WARN
                    com.zaxxer.hikari: WARN
                    org.eclipse.jetty: WARN
                """.formatted(
                        databaseUrl,
                        pipelines,
                        folder,
                        folder.resolve("logs"),
                        folder.resolve("sleep-journal.txt"),
                        folder.resolve("sleep-journal.txt"),
                        folder.resolve("admin-token"),
                        node,
                        heartbeat,
                        deadAfter,
                        port);
        Path file = folder.resolve(name);
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
