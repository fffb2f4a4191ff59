package io.kindling.executor.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.cluster.LocalCluster;
import io.kindling.cluster.SharedCluster;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** The shared local cluster, executors on it, and what the tests ask its master. */
public final class ClusterFixture {
    /** Small drivers and executors: the worker has a few cores and the machine two. */
    static final Map<String, String> SMALL = Map.of(
            "spark.driver.memory",
            "512m",
            "spark.executor.memory",
            "512m",
            "spark.cores.max",
            "1",
            "spark.executor.cores",
            "1",
            "spark.sql.shuffle.partitions",
            "2",
            "spark.ui.enabled",
            "false");

    private ClusterFixture() {}

    /** The venv of the POM's kindling.test.python, which .ci/run makes; the test fails saying how without it. */
    public static String python() {
        String configured = System.getProperty("kindling.test.python", "");
        Path python = configured.isBlank()
                ? Path.of("..", "target", "python-venv", "bin", "python").toAbsolutePath()
                : Path.of(configured);
        if (!Files.isExecutable(python)) {
            org.assertj.core.api.Assertions.fail(
                    "no Python environment at " + python + ": run `bin/kindling-python-env target/python-venv`");
        }
        return python.toString();
    }

    static LocalCluster cluster() {
        return SharedCluster.get();
    }

    static Map<String, String> options(LocalCluster cluster) {
        return Map.of(
                "master",
                cluster.settings().masterUrl(),
                "restUrl",
                cluster.settings().restUrl(),
                "masterWebUi",
                cluster.settings().masterUiUrl(),
                "pollIntervalMillis",
                "300");
    }

    static StandaloneExecutor executor(Path workDir, Map<String, String> extraOptions) {
        Map<String, String> options = new java.util.HashMap<>(options(cluster()));
        options.putAll(extraOptions);
        return new StandaloneExecutor(
                new ExecutorConfig("cluster", StandaloneExecutorFactory.TYPE, 2, workDir, SMALL, options),
                Clock.systemUTC());
    }

    static AttemptRequest request(Path workDir, String taskId, TaskBody body) {
        String run = "run-" + UUID.randomUUID().toString().substring(0, 8);
        return new AttemptRequest(
                run + "." + taskId + ".1",
                run,
                "remote-test",
                taskId,
                1,
                body,
                Map.of(),
                Map.of(),
                workDir.resolve("logs").resolve(taskId + ".log"));
    }

    static AttemptResult await(AttemptHandle handle) {
        CompletableFuture<AttemptResult> result = handle.result().toCompletableFuture();
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(3)).until(result::isDone);
        return result.join();
    }

    /** Every driver the master knows, running or ended: id to state. */
    static Map<String, String> drivers(LocalCluster cluster) {
        JsonNode json = masterJson(cluster);
        Map<String, String> drivers = new java.util.LinkedHashMap<>();
        for (String list : List.of("activedrivers", "completeddrivers")) {
            json.path(list)
                    .forEach(d ->
                            drivers.put(d.path("id").asText(), d.path("state").asText()));
        }
        return drivers;
    }

    static void awaitDriverState(LocalCluster cluster, String driverId, String state) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .until(() -> state.equals(drivers(cluster).get(driverId)));
    }

    static JsonNode masterJson(LocalCluster cluster) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(cluster.settings().masterUiUrl() + "/json/"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A jar of this module's test apps ({@code io/kindling/executor/standalone/apps}), as users ship theirs. */
    static Path appsJar(Path folder) {
        try {
            Path classes = Path.of("target", "test-classes").toAbsolutePath();
            Path jar = folder.resolve("apps.jar");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(classes.resolve("io/kindling/executor/standalone/apps"))) {
                walk.filter(Files::isRegularFile).forEach(files::add);
            }
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream jarOut = new JarOutputStream(out)) {
                for (Path file : files) {
                    jarOut.putNextEntry(
                            new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    jarOut.write(Files.readAllBytes(file));
                    jarOut.closeEntry();
                }
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
