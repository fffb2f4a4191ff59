package io.kindling.cluster;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone master and worker and a Spark Connect server, each its own JVM, run from a SPARK_HOME
 * made of the Spark jars in the local Maven repository (no Spark distribution). The processes outlive the JVM
 * that starts them; pid files in the state folder let {@link #stop()} and {@link #status()} find them again, so
 * bin/kindling-cluster and the tests share this code.
 */
public final class LocalCluster {
    /** One process of the cluster. */
    public enum Component {
        MASTER("org.apache.spark.deploy.master.Master"),
        WORKER("org.apache.spark.deploy.worker.Worker"),
        CONNECT("org.apache.spark.sql.connect.service.SparkConnectServer"),
        /** Started only on request ({@link #startHistoryServer}); not part of {@link #allRunning()}. */
        HISTORY("org.apache.spark.deploy.history.HistoryServer");

        final String mainClass;

        Component(String mainClass) {
            this.mainClass = mainClass;
        }

        String fileName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    private final ClusterSettings settings;
    private Path historyLogDir;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public LocalCluster(ClusterSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public ClusterSettings settings() {
        return settings;
    }

    /**
     * Starts what is not running yet and returns once the master answers, a worker has registered and the
     * Connect server listens.
     *
     * @throws IllegalStateException when a process dies or is not ready within {@code timeout}, with the end
     *                               of its log
     */
    public void start(Duration timeout) {
        try {
            Path sparkHome = SparkHome.prepare(settings.stateDir().resolve("spark-home"));
            Files.createDirectories(logDir());
            Files.createDirectories(settings.stateDir().resolve("work"));
            long deadline = System.nanoTime() + timeout.toNanos();
            launchUnlessRunning(Component.MASTER, sparkHome);
            await(Component.MASTER, deadline, this::masterReady);
            launchUnlessRunning(Component.WORKER, sparkHome);
            launchUnlessRunning(Component.CONNECT, sparkHome);
            await(Component.WORKER, deadline, () -> aliveWorkers() > 0);
            await(Component.CONNECT, deadline, () -> listening(settings.connectPort()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a Spark History Server for the event logs in {@code eventLogDir} (executors' {@code eventLogDir}),
     * unless one runs, and returns once it answers on {@link ClusterSettings#historyUiUrl()}.
     *
     * @throws IllegalStateException when it dies or does not answer within {@code timeout}, with the end of its log
     */
    public void startHistoryServer(Path eventLogDir, Duration timeout) {
        try {
            Path sparkHome = SparkHome.prepare(settings.stateDir().resolve("spark-home"));
            Files.createDirectories(logDir());
            Files.createDirectories(eventLogDir);
            historyLogDir = eventLogDir.toAbsolutePath().normalize();
            launchUnlessRunning(Component.HISTORY, sparkHome);
            await(
                    Component.HISTORY,
                    System.nanoTime() + timeout.toNanos(),
                    () -> get(settings.historyUiUrl() + "/api/v1/applications").isPresent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the processes (and the drivers and executors the worker started); quiet when none runs. */
    public List<String> stop() {
        List<String> stopped = new ArrayList<>();
        for (Component component : List.of(Component.HISTORY, Component.CONNECT, Component.WORKER, Component.MASTER)) {
            Optional<ProcessHandle> process = running(component);
            if (process.isPresent()) {
                List<ProcessHandle> children = process.get().descendants().toList();
                terminate(process.get());
                children.forEach(LocalCluster::terminate);
                stopped.add(component.fileName() + " (pid " + process.get().pid() + ")");
            }
            try {
                Files.deleteIfExists(pidFile(component));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stopped;
    }

    /** Each component: running with its pid and address, or not; the History Server only while it runs. */
    public Map<Component, String> status() {
        Map<Component, String> status = new LinkedHashMap<>();
        for (Component component : Component.values()) {
            Optional<ProcessHandle> process = running(component);
            if (component == Component.HISTORY && process.isEmpty()) {
                continue;
            }
            String where = switch (component) {
                case MASTER -> settings.masterUrl() + ", REST " + settings.restUrl() + ", UI " + settings.masterUiUrl();
                case WORKER -> "UI http://" + settings.host() + ":" + settings.workerUiPort();
                case CONNECT -> settings.connectUrl();
                case HISTORY -> "UI " + settings.historyUiUrl();
            };
            status.put(
                    component,
                    process.map(p -> "running (pid " + p.pid() + "), " + where).orElse("stopped"));
        }
        return status;
    }

    public boolean allRunning() {
        return Arrays.stream(Component.values())
                .filter(c -> c != Component.HISTORY)
                .allMatch(c -> running(c).isPresent());
    }

    /** The component's process, if its pid file names a live process of that component. */
    public Optional<ProcessHandle> running(Component component) {
        Path pidFile = pidFile(component);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            // A pid can be reused after a reboot: only a JVM running the component's class is ours.
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> p.info()
                            .arguments()
                            .map(args -> Arrays.asList(args).contains(component.mainClass))
                            .orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Path logFile(Component component) {
        return logDir().resolve(component.fileName() + ".log");
    }

    /** How many workers the master counts as alive; 0 when it does not answer. */
    public int aliveWorkers() {
        Optional<String> json = get(settings.masterUiUrl() + "/json/");
        if (json.isEmpty()) {
            return 0;
        }
        Matcher matcher = ALIVE_WORKERS.matcher(json.get());
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private boolean masterReady() {
        return listening(settings.restPort())
                && get(settings.masterUiUrl() + "/json/").isPresent();
    }

    private void launchUnlessRunning(Component component, Path sparkHome) throws IOException {
        if (running(component).isPresent()) {
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags());
        command.add("-cp");
        // Only the Connect server runs SQL itself: it also gets Kindling's SQL guard (GuardJar).
        command.add(sparkHome.resolve("jars") + "/*"
                + (component == Component.CONNECT ? java.io.File.pathSeparator + GuardJar.path() : ""));
        command.addAll(componentArguments(component));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(settings.stateDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(logFile(component).toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        // Without it the worker's drivers and executors fail with "Cannot find any build directories".
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", settings.host());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("SPARK_CONF_DIR");
        Files.writeString(
                logFile(component),
                "---- starting " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Process process = builder.start();
        Files.writeString(pidFile(component), Long.toString(process.pid()));
    }

    private List<String> componentArguments(Component component) {
        String host = settings.host();
        Path state = settings.stateDir().toAbsolutePath();
        List<String> args = new ArrayList<>();
        switch (component) {
            case MASTER -> {
                args.addAll(List.of(
                        "-Xmx512m",
                        "-Dspark.master.rest.enabled=true",
                        "-Dspark.master.rest.port=" + settings.restPort(),
                        "-Dspark.master.rest.host=" + host,
                        component.mainClass,
                        "--host",
                        host,
                        "--port",
                        Integer.toString(settings.masterPort()),
                        "--webui-port",
                        Integer.toString(settings.masterUiPort())));
            }
            case WORKER -> {
                args.addAll(List.of(
                        "-Xmx512m",
                        component.mainClass,
                        "--host",
                        host,
                        "--webui-port",
                        Integer.toString(settings.workerUiPort()),
                        "--cores",
                        Integer.toString(settings.workerCores()),
                        "--memory",
                        settings.workerMemory(),
                        "--work-dir",
                        state.resolve("work").toString(),
                        settings.masterUrl()));
            }
            case CONNECT -> {
                args.addAll(List.of(
                        "-Xmx1g",
                        "-Dspark.master=local[2]",
                        "-Dspark.app.name=kindling-connect",
                        "-Dspark.connect.grpc.binding.address=" + host,
                        "-Dspark.connect.grpc.binding.port=" + settings.connectPort(),
                        "-Dspark.driver.host=" + host,
                        "-Dspark.driver.bindAddress=" + host,
                        "-Dspark.ui.enabled=false",
                        "-Dspark.sql.shuffle.partitions=4",
                        "-Dspark.sql.warehouse.dir=" + state.resolve("connect-warehouse"),
                        "-Dspark.sql.extensions=" + GuardJar.EXTENSION,
                        "-Dspark.kindling.guard.roots=" + String.join(",", settings.allowedRoots()),
                        "-Dspark.sql.runSQLOnFiles=false",
                        component.mainClass));
            }
            case HISTORY -> {
                args.addAll(List.of(
                        "-Xmx512m",
                        "-Dspark.history.fs.logDirectory=" + historyLogDir.toUri(),
                        "-Dspark.history.ui.port=" + settings.historyUiPort(),
                        // new attempts show within seconds rather than Spark's default 10 s
                        "-Dspark.history.fs.update.interval=2s",
                        component.mainClass));
            }
        }
        return args;
    }

    private void await(Component component, long deadline, java.util.function.BooleanSupplier ready) {
        while (!ready.getAsBoolean()) {
            if (running(component).isEmpty()) {
                throw new IllegalStateException("the " + component.fileName() + " stopped while starting; the end "
                        + "of " + logFile(component) + ":\n" + tail(logFile(component)));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + component.fileName() + " was not ready in time; the end "
                        + "of " + logFile(component) + ":\n" + tail(logFile(component)));
            }
            try {
                Thread.sleep(250); // polling a process we do not own; nothing to be notified by
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the cluster", e);
            }
        }
    }

    private boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(settings.host(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<String> get(String url) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(3))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void terminate(ProcessHandle process) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            process.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    private Path pidFile(Component component) {
        return settings.stateDir().resolve(component.fileName() + ".pid");
    }

    private Path logDir() {
        return settings.stateDir().resolve("logs");
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    private static List<String> jvmFlags() {
        try (InputStream in = LocalCluster.class.getResourceAsStream("jvm-flags.txt")) {
            if (in == null) {
                throw new IllegalStateException("jvm-flags.txt is missing from the kindling-cluster build");
            }
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .strip()
                            .split("\\s+"))
                    .filter(flag -> !flag.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
