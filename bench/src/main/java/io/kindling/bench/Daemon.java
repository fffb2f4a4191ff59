package io.kindling.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The daemon as its own process ({@code KindlingApplication server config.yml}, as bin/kindling starts it). */
final class Daemon implements AutoCloseable {
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /**
     * The admin token of every daemon the bench starts, handed over as automation does (docs/auth.md): the
     * daemon stores it hashed, and every request here sends it. Random per bench run.
     */
    static final String TOKEN =
            "kdl_bench-" + new java.math.BigInteger(256, new java.security.SecureRandom()).toString(36);

    private final Process process;
    private final int port;
    /** Process start to the API's first 200, in milliseconds. */
    final double readyMillis;

    private Daemon(Process process, int port, double readyMillis) {
        this.process = process;
        this.port = port;
        this.readyMillis = readyMillis;
    }

    /** Starts a daemon and waits, polling every 10 ms, until {@code GET /api/v1/pipelines} answers 200. */
    static Daemon start(Path config, int port, Path log, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(JavaProcess.serverCommand(jvmOptions));
        command.addAll(List.of("io.kindling.scheduler.KindlingApplication", "server", config.toString()));
        return start(command, Map.of(), port, log);
    }

    /**
     * Starts a daemon as a user does, with {@code bin/kindling server config.yml} (its class-data sharing archives in
     * {@code cdsDir}), and waits as {@link #start(Path, int, Path, String...)}.
     */
    static Daemon launch(Path launcher, Path config, Path cdsDir, int port, Path log)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " not found");
        }
        return start(
                List.of(launcher.toString(), "server", config.toString()),
                Map.of("KINDLING_CDS_DIR", cdsDir.toString()),
                port,
                log);
    }

    private static Daemon start(List<String> command, Map<String, String> env, int port, Path log)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(JavaProcess.serverEnvironment());
        builder.environment().put("KINDLING_BOOTSTRAP_TOKEN", TOKEN);
        builder.environment().putAll(env);
        Process process = builder.start();
        long deadline = start + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the daemon exited with " + process.exitValue() + "; see " + log);
            }
            if (status("http://127.0.0.1:" + port + "/api/v1/pipelines") == 200) {
                return new Daemon(process, port, (System.nanoTime() - start) / 1e6);
            }
            Thread.sleep(10);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the daemon was not ready within 3 minutes; see " + log);
    }

    private static int status(String url) throws InterruptedException {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .header("Authorization", "Bearer " + TOKEN)
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The daemon's process. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    String api(String path) {
        return "http://127.0.0.1:" + port + "/api/v1" + path;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(api(path)))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(api(path)))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET {@code path} on the daemon's admin port (metrics), with the admin token; the body. */
    String admin(int adminPort, String path) throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                                .timeout(Duration.ofSeconds(30))
                                .header("Authorization", "Bearer " + TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** The daemon's resident set (VmRSS of /proc/PID/status), in MiB. */
    double rssMiB() throws IOException {
        return rssMiB(process.pid());
    }

    /** The resident set of the daemon's child process {@code pid} (the local executor's Spark process), in MiB. */
    double childRssMiB(long pid) throws IOException {
        if (process.children().noneMatch(c -> c.pid() == pid)) {
            throw new IllegalStateException("process " + pid + " is not a live child of the daemon");
        }
        return rssMiB(pid);
    }

    private static double rssMiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * A config.yml: the database, a pipelines folder, {@code executors} (YAML, indented by two) and free ports;
     * logging at INFO to the console (the daemon's default), which goes to the log file.
     */
    static Path writeConfig(
            Path dir,
            String databaseUrl,
            Path pipelines,
            String defaultExecutor,
            String executors,
            int port,
            int adminPort)
            throws IOException {
        String yaml = """
                database:
                  url: "%s"
                sources:
                  - name: bench
                    type: folder
                    path: "%s"
                workDir: "%s"
                logDir: "%s"
                defaultExecutor: %s
                auth:
                  adminTokenFile: "%s"
                executors:
                %s
                server:
                  applicationConnectors:
                    - type: http
                      port: %d
                  adminConnectors:
                    - type: http
                      port: %d
                logging:
                  level: INFO
                  loggers:
                    org.apache.spark: WARN
                    org.sparkproject: WARN
                    org.apache.hadoop: WARN
                    org.quartz: WARN
                    org.flywaydb: WARN
                    com.zaxxer.hikari: WARN
                    org.eclipse.jetty: WARN
                """.formatted(
                        databaseUrl,
                        pipelines,
                        dir,
                        dir.resolve("logs"),
                        defaultExecutor,
                        dir.resolve("admin-token"),
                        executors,
                        port,
                        adminPort);
        Path file = dir.resolve("config.yml");
        Files.writeString(file, yaml);
        return file;
    }
}
