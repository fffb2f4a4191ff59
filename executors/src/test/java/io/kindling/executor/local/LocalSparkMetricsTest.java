package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.request;
import static io.kindling.executor.local.SharedSpark.run;
import static io.kindling.executor.local.SharedSpark.sql;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.AttemptResult.Outcome;
import io.kindling.executor.SparkMetrics;
import io.kindling.executor.local.tasks.WritesThenFails;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark metrics of attempts on the in-process local executor, on real Spark. */
class LocalSparkMetricsTest {
    private static LocalSparkExecutor executor;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSpark() {
        executor = SharedSpark.executor();
    }

    @Test
    void aParquetWriteOfAThousandRowsRecordsThemAndTheirBytes() {
        Path out = dir.resolve("out/range");

        AttemptResult result = run(
                executor,
                request(
                        "range",
                        sql(
                                "SELECT id FROM range(1000)",
                                Map.of(),
                                Optional.of(new DataRef("parquet", out.toString(), "overwrite", Map.of()))),
                        dir.resolve("range.log")));

        assertThat(result.outcome()).isEqualTo(Outcome.SUCCEEDED);
        SparkMetrics metrics = result.sparkMetrics().orElseThrow();
        assertThat(metrics.outputRecords()).isEqualTo(1000L);
        assertThat(metrics.outputBytes()).isPositive();
        assertThat(metrics.jobs().succeeded()).isPositive();
        assertThat(metrics.jobs().failed()).isZero();
        assertThat(metrics.tasks().succeeded()).isPositive();
        assertThat(metrics.executorRunTimeMs()).isNotNull();
        assertThat(metrics.stageSkew())
                .isNotEmpty()
                .allSatisfy(stage -> assertThat(stage.slowestTaskMs()).isGreaterThanOrEqualTo(stage.medianTaskMs()));
        assertThat(SparkMetrics.fromJson(metrics.toJson())).isEqualTo(metrics);
    }

    @Test
    void aQueryWithAShuffleRecordsShuffleBytes() {
        AttemptResult result = run(
                executor,
                request(
                        "shuffle",
                        sql("SELECT id % 7 AS k, count(*) AS n FROM range(20000) GROUP BY id % 7"),
                        dir.resolve("shuffle.log")));

        assertThat(result.outcome())
                .as(SharedSpark.read(dir.resolve("shuffle.log")))
                .isEqualTo(Outcome.SUCCEEDED);
        SparkMetrics metrics = result.sparkMetrics().orElseThrow();
        assertThat(metrics.shuffleWriteBytes()).isPositive();
        assertThat(metrics.shuffleReadBytes()).isPositive();
        assertThat(metrics.outputRecords()).isZero(); // nothing written: a measured zero, not an absent figure
    }

    @Test
    void lowSpillThresholdsInTheTasksSparkConfRecordSpill() {
        AttemptResult result = run(
                executor,
                request(
                        "spill",
                        sql("SELECT id, sum(id) OVER (PARTITION BY id % 2) AS total FROM range(20000)"),
                        Map.of(
                                "spark.sql.windowExec.buffer.in.memory.threshold", "100",
                                "spark.sql.windowExec.buffer.spill.threshold", "2000"),
                        dir.resolve("spill.log")));

        assertThat(result.outcome())
                .as(SharedSpark.read(dir.resolve("spill.log")))
                .isEqualTo(Outcome.SUCCEEDED);
        SparkMetrics metrics = result.sparkMetrics().orElseThrow();
        assertThat(metrics.memorySpillBytes()).isPositive();
        assertThat(metrics.diskSpillBytes()).isPositive();
    }

    @Test
    void anAttemptThatFailsMidwayKeepsTheMetricsOfWhatRan() {
        AttemptResult result = run(
                executor,
                request(
                        "fails",
                        new TaskBody.JavaClass(WritesThenFails.class.getName(), Map.of("out", "out/before-failure")),
                        dir.resolve("fails.log")));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        SparkMetrics metrics = result.sparkMetrics().orElseThrow();
        assertThat(metrics.outputRecords()).isEqualTo(1000L);
        assertThat(metrics.jobs().succeeded()).isPositive();
        assertThat(metrics.jobs().failed()).isEqualTo(1L);
        assertThat(metrics.tasks().failed()).isPositive();
    }

    @Test
    void anAttemptThatNeverReachesSparkHasNoMetrics() {
        AttemptResult result = run(
                executor,
                request(
                        "submit",
                        new TaskBody.Submit("app.jar", "com.example.Main", java.util.List.of()),
                        dir.resolve("submit.log")));

        assertThat(result.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(result.sparkMetrics()).isEmpty();
    }

    @Test
    void anExecutorWithMetricsOffCollectsNone() {
        try (LocalSparkExecutor off = SharedSpark.newExecutor("no-metrics", dir, Map.of("metrics", "false"))) {
            AttemptResult result =
                    run(off, request("off", sql("SELECT count(*) FROM range(100)"), dir.resolve("off.log")));

            assertThat(result).isEqualTo(AttemptResult.succeeded());
        }
    }
}
