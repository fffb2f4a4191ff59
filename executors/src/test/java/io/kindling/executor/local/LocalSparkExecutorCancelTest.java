package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.read;
import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.local.tasks.IgnoresCancel;
import io.kindling.executor.local.tasks.LongSparkJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.JobExecutionStatus;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSparkExecutorCancelTest {
    /**
     * Minutes of work on any machine, in 20,000 short Spark tasks: Spark's task kill is cooperative, and a
     * single tight codegen loop over a huge partition may not notice it, keeping the cores busy after cancel.
     */
    private static final String LONG_QUERY =
            "SELECT count(*) FROM range(0, 1000000000000, 1, 20000) WHERE hash(id) = 42";

    private static final Duration PROMPTLY = Duration.ofSeconds(20);

    private static LocalSparkExecutor executor;
    private static JavaSparkStatusTracker tracker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        executor = SharedSpark.executor();
        tracker = JavaSparkContext.fromSparkContext(SharedSpark.spark().sparkContext())
                .statusTracker();
    }

    @Test
    void cancelStopsALongQueryAndItsSparkJobs() {
        Path log = dir.resolve("long.log");
        AttemptRequest request = request("long", sql(LONG_QUERY), log);
        AttemptHandle handle = executor.start(request);
        awaitRunningJob(request.attemptId());

        handle.cancel("timed out after 1h");

        AttemptResult result = awaitPromptly(handle);
        assertThat(result)
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.cancelled("timed out after 1h"));
        await().atMost(PROMPTLY)
                .untilAsserted(() -> assertThat(jobsOf(request.attemptId()))
                        .isNotEmpty()
                        .allSatisfy(job -> assertThat(job.status()).isEqualTo(JobExecutionStatus.FAILED)));
        assertThat(read(log))
                .contains("cancel requested: timed out after 1h")
                .containsPattern("Spark job \\d+ started")
                .containsPattern("Spark job \\d+ failed in \\d+ ms: .*cancelled")
                .contains("attempt cancelled after")
                .doesNotContain("attempt failed");
    }

    @Test
    void cancelRightAfterStartCancels() {
        Path log = dir.resolve("at-once.log");
        AttemptHandle handle = executor.start(request("at-once", sql(LONG_QUERY), log));

        handle.cancel("run cancelled");

        assertThat(awaitPromptly(handle))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.cancelled("run cancelled"));
        assertThat(read(log)).contains("attempt cancelled after").doesNotContain("attempt failed");
    }

    @Test
    void cancelIsIdempotentAndDoesNothingOnceTheAttemptEnded() {
        Path log = dir.resolve("twice.log");
        AttemptRequest request = request("twice", sql(LONG_QUERY), log);
        AttemptHandle handle = executor.start(request);
        awaitRunningJob(request.attemptId());

        handle.cancel("first");
        handle.cancel("second");
        AttemptResult result = awaitPromptly(handle);
        handle.cancel("third");

        assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.cancelled("first"));
        assertThat(handle.result().toCompletableFuture().join()).isEqualTo(result);
        assertThat(read(log)).contains("cancel requested: first").doesNotContain("second", "third");
    }

    @Test
    void cancelAfterSuccessKeepsTheSuccess() {
        AttemptHandle handle = executor.start(request("quick", sql("SELECT 1"), dir.resolve("quick.log")));
        AttemptResult result = awaitPromptly(handle);

        handle.cancel("too late");

        assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
        assertThat(handle.result().toCompletableFuture().join())
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.succeeded());
        assertThat(read(dir.resolve("quick.log"))).doesNotContain("too late");
    }

    @Test
    void cancelStopsTheSparkJobsOfAClassTask() {
        Path log = dir.resolve("class-long.log");
        AttemptRequest request =
                request("class-long", new TaskBody.JavaClass(LongSparkJob.class.getName(), Map.of()), log);
        AttemptHandle handle = executor.start(request);
        awaitRunningJob(request.attemptId());

        handle.cancel("run cancelled by alice");

        assertThat(awaitPromptly(handle))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.cancelled("run cancelled by alice"));
        assertThat(read(log)).contains("starting a very long job", "attempt cancelled after");
    }

    @Test
    void aTaskThatIgnoresCancelIsReportedCancelledAfterTheGracePeriod() {
        Path log = dir.resolve("stubborn.log");
        IgnoresCancel.RELEASE.set(false);
        IgnoresCancel.RUNNING.set(false);
        try (LocalSparkExecutor graceful =
                SharedSpark.newExecutor("graceful", dir, Map.of("cancelGraceSeconds", "1"))) {
            AttemptHandle handle = graceful.start(
                    request("stubborn", new TaskBody.JavaClass(IgnoresCancel.class.getName(), Map.of()), log));
            await().atMost(Duration.ofMinutes(1)).untilTrue(IgnoresCancel.RUNNING);

            handle.cancel("shutting down");

            assertThat(awaitPromptly(handle))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.cancelled("shutting down"));
            assertThat(read(log)).contains("the attempt did not stop within 1 s of the cancel");

            IgnoresCancel.RELEASE.set(true);
            await().atMost(PROMPTLY)
                    .untilAsserted(() -> assertThat(read(log))
                            .contains("released, cancelled=true")
                            .contains("attempt cancelled after"));
        }
    }

    @Test
    void closeCancelsRunningAttemptsAndRefusesNewOnes() {
        LocalSparkExecutor closing = SharedSpark.newExecutor("closing", dir, Map.of());
        AttemptRequest request = request("at-close", sql(LONG_QUERY), dir.resolve("at-close.log"));
        AttemptHandle handle = closing.start(request);
        awaitRunningJob(request.attemptId());

        closing.close();

        assertThat(awaitPromptly(handle))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.cancelled("executor 'closing' is closing"));
        assertThat(awaitPromptly(closing.start(request("after-close", sql("SELECT 1"), dir.resolve("after.log")))))
                .extracting(AttemptResult::withoutSparkMetrics)
                .isEqualTo(AttemptResult.failed("executor 'closing' is closed"));
        assertThat(closing.health().healthy()).isFalse();
        assertThat(SharedSpark.spark().sparkContext().isStopped())
                .as("stopSparkOnClose=false")
                .isFalse();
    }

    private static void awaitRunningJob(String attemptId) {
        await().atMost(Duration.ofMinutes(1))
                .until(() -> jobsOf(attemptId).stream().anyMatch(job -> job.status() == JobExecutionStatus.RUNNING));
    }

    private static java.util.List<SparkJobInfo> jobsOf(String attemptId) {
        return Arrays.stream(tracker.getJobIdsForGroup(attemptId))
                .mapToObj(tracker::getJobInfo)
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    private static AttemptResult awaitPromptly(AttemptHandle handle) {
        CompletableFuture<AttemptResult> result = handle.result().toCompletableFuture();
        await().atMost(PROMPTLY).until(result::isDone);
        return result.join();
    }
}
