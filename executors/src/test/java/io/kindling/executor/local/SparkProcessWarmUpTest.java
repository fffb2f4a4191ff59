package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code warmup}: with {@code eager} (the default) the Spark process starts and warms up once the daemon says it
 * is ready, before any attempt, and the first attempt finds Spark started; with {@code lazy} it waits for the
 * first attempt.
 */
class SparkProcessWarmUpTest {
    private static final Duration SPARK = Duration.ofMinutes(3);

    @TempDir
    Path workDir;

    private Executor executor;

    private Executor create(Map<String, String> more) {
        Map<String, String> options = new java.util.HashMap<>(Map.of("master", "local[1]", "heap", "512m"));
        options.putAll(more);
        executor = new LocalSparkExecutorFactory()
                .create(new ExecutorConfig(
                        "warm", "local", 1, workDir, Map.of("spark.sql.shuffle.partitions", "1"), options));
        return executor;
    }

    @AfterEach
    void close() {
        if (executor != null) {
            executor.close();
        }
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive))
                .isEmpty();
    }

    @Test
    void eagerWarmUpStartsSparkWhenTheDaemonIsReadyAndTheFirstAttemptFindsItWarm() throws Exception {
        // what a Spark process killed during its warm-up left behind: the next warm-up deletes it
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path leftover = Files.createDirectories(
                Path.of(System.getProperty("java.io.tmpdir"), "kindling-warm-up-" + gone.pid() + "-1", "out"));
        Executor warm = create(Map.of());
        assertThat(warm.gauges()).containsEntry("spark.process.up", 0.0).containsEntry("spark.process.warm", 0.0);

        warm.daemonReady();

        await().atMost(SPARK).until(() -> warm.gauges().get("spark.process.up") == 1.0);
        await().atMost(SPARK).until(() -> warm.gauges().get("spark.process.warm") == 1.0);
        SparkProcessExecutor process = (SparkProcessExecutor) warm;
        await().atMost(SPARK).until(() -> process.roundTrip().isPresent());
        assertThat(process.roundTrip().get().outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> warm.health().message().contains(", Spark warm, 0 attempts running"));
        assertThat(leftover.getParent()).doesNotExist();
        long child = ((SparkProcessExecutor) warm).pid().getAsLong();
        try (var temp = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(temp.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("kindling-warm-up-" + child + "-"))
                    .as("the round trip's folder is deleted")
                    .noneMatch(name -> name.startsWith("kindling-round-trip-"));
        }
        Path log = workDir.resolve("logs/first.log");
        AttemptResult first = warm.start(request("first", sql("SELECT 1 AS one"), log))
                .result()
                .toCompletableFuture()
                .orTimeout(SPARK.toSeconds(), TimeUnit.SECONDS)
                .join();
        assertThat(first).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(log).content().contains("Spark application local-").doesNotContain("starting Spark");
    }

    @Test
    void lazyWarmUpWaitsForTheFirstAttempt() {
        Executor lazy = create(Map.of("warmup", "lazy"));

        lazy.daemonReady();

        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(((SparkProcessExecutor) lazy)::pid, OptionalLong::isEmpty);
        assertThat(lazy.gauges()).containsEntry("spark.process.up", 0.0);
        Path log = workDir.resolve("logs/lazy.log");
        AttemptResult first = lazy.start(request("lazy", sql("SELECT 1 AS one"), log))
                .result()
                .toCompletableFuture()
                .orTimeout(SPARK.toSeconds(), TimeUnit.SECONDS)
                .join();
        assertThat(first).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(log).content().contains("starting Spark");
        assertThat(((SparkProcessExecutor) lazy).roundTrip())
                .as("a lazy process is warmed by a real attempt: no round trip before it")
                .isEmpty();
    }
}
