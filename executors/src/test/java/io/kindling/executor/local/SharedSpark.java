package io.kindling.executor.local;

import static org.awaitility.Awaitility.await;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * One local executor, and so one SparkContext, for every test class of the module (surefire runs them in one
 * JVM). It never stops Spark; the JVM's exit does. Its first attempt, which starts Spark, is timed.
 */
final class SharedSpark {
    static final String MASTER = "local[2]";
    private static LocalSparkExecutor executor;
    private static Path workDir;
    private static long firstAttemptMillis;

    private SharedSpark() {}

    /** The shared executor, with Spark started. */
    static synchronized LocalSparkExecutor executor() {
        if (executor == null) {
            try {
                workDir = Files.createTempDirectory("kindling-executors-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(workDir)));
            executor = newExecutor("shared", workDir, Map.of());
            Path people = writePeople(workDir.resolve("people.json"));
            Timed first = timed(executor, request("first", smallQuery(people), workDir.resolve("first.log")));
            firstAttemptMillis = first.millis();
            if (first.result().outcome() != AttemptResult.Outcome.SUCCEEDED) {
                throw new IllegalStateException(
                        "the first attempt failed: " + first.result().error());
            }
        }
        return executor;
    }

    static synchronized long firstAttemptMillis() {
        executor();
        return firstAttemptMillis;
    }

    /** The log of the first attempt, which started Spark. */
    static synchronized String firstAttemptLog() {
        executor();
        return read(workDir.resolve("first.log"));
    }

    static SparkSession spark() {
        executor();
        return SparkSession.builder().getOrCreate();
    }

    /**
     * Another executor in the same JVM: it shares the SparkContext and leaves it running on close. Tests keep
     * their files in temporary folders, so the SQL guard allows the temporary folder unless told otherwise.
     */
    static LocalSparkExecutor newExecutor(String name, Path workDir, Map<String, String> options) {
        Map<String, String> all = new HashMap<>(Map.of(
                "master", MASTER, "stopSparkOnClose", "false", "allowedRoots", System.getProperty("java.io.tmpdir")));
        all.putAll(options);
        return new LocalSparkExecutor(new ExecutorConfig(name, "local", 4, workDir, Map.of(), all), Clock.systemUTC());
    }

    static AttemptRequest request(String taskId, TaskBody body, Path logFile) {
        return request(taskId, body, Map.of(), logFile);
    }

    static AttemptRequest request(String taskId, TaskBody body, Map<String, String> sparkConf, Path logFile) {
        return new AttemptRequest(
                taskId + "-" + UUID.randomUUID(),
                "run-1",
                "test_pipeline",
                taskId,
                1,
                body,
                Map.of("min_age", "21"),
                sparkConf,
                logFile);
    }

    static AttemptResult run(LocalSparkExecutor executor, AttemptRequest request) {
        return awaitResult(executor.start(request));
    }

    static AttemptResult awaitResult(AttemptHandle handle) {
        CompletableFuture<AttemptResult> result = handle.result().toCompletableFuture();
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(20))
                .until(result::isDone);
        return result.join();
    }

    record Timed(AttemptResult result, long millis) {}

    /** Runs an attempt, timed from start() to the moment its result completes (not to when a poll sees it). */
    static Timed timed(LocalSparkExecutor executor, AttemptRequest request) {
        long started = System.nanoTime();
        AttemptHandle handle = executor.start(request);
        CompletableFuture<Long> ended =
                handle.result().thenApply(result -> System.nanoTime()).toCompletableFuture();
        AttemptResult result = awaitResult(handle);
        return new Timed(result, (ended.join() - started) / 1_000_000);
    }

    static TaskBody.Sql sql(String sql) {
        return new TaskBody.Sql(sql, Optional.empty(), Map.of(), Optional.empty());
    }

    static TaskBody.Sql sql(String sql, Map<String, DataRef> inputs, Optional<DataRef> output) {
        return new TaskBody.Sql(sql, Optional.empty(), inputs, output);
    }

    /** Reads people.json, keeps the adults, selects two columns: the warm-attempt benchmark. */
    static TaskBody.Sql smallQuery(Path people) {
        return sql(
                "SELECT name.first AS first_name, age FROM people WHERE age > 21 ORDER BY age",
                Map.of("people", json(people.toString())),
                Optional.empty());
    }

    static DataRef json(String path) {
        return new DataRef("json", path, "error", Map.of());
    }

    static Path writePeople(Path file) {
        List<String> lines = List.of(
                "{\"name\": {\"first\": \"Ada\", \"last\": \"Lovelace\"}, \"age\": 36, \"country\": \"GB\"}",
                "{\"name\": {\"first\": \"Alan\", \"last\": \"Turing\"}, \"age\": 41, \"country\": \"GB\"}",
                "{\"name\": {\"first\": \"Grace\", \"last\": \"Hopper\"}, \"age\": 85, \"country\": \"US\"}",
                "{\"name\": {\"first\": \"Tim\", \"last\": \"Young\"}, \"age\": 17, \"country\": \"US\"}",
                "{\"name\": {\"first\": \"Lin\", \"last\": \"Teen\"}, \"age\": 21, \"country\": \"CN\"}");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort, at JVM exit
        }
    }
}
