package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactories;
import io.kindling.executor.HealthStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSparkExecutorFactoryTest {

    @TempDir
    Path dir;

    private ExecutorConfig config(Map<String, String> options) {
        return new ExecutorConfig("local", "local", 2, dir, Map.of(), options);
    }

    @Test
    void serviceLoaderFindsTheLocalFactory() {
        ExecutorFactories executors = new ExecutorFactories();

        assertThat(executors.types()).contains("local");
        try (Executor executor = executors.create(config(Map.of("stopSparkOnClose", "false", "mode", "in-process")))) {
            assertThat(executor).isInstanceOf(LocalSparkExecutor.class);
            assertThat(executor.name()).isEqualTo("local");
        }
    }

    @Test
    void sparkRunsInAChildProcessUnlessToldOtherwise() {
        try (Executor executor = new LocalSparkExecutorFactory().create(config(Map.of()))) {
            assertThat(executor).isInstanceOf(SparkProcessExecutor.class);
            assertThat(executor.health())
                    .isEqualTo(HealthStatus.ok("Spark process (master local[*], heap 1g) not "
                            + "running; it starts with the next attempt"));
            assertThat(executor.gauges())
                    .containsEntry("spark.process.up", 0.0)
                    .containsEntry("spark.process.restarts", 0.0);
        }
    }

    @Test
    void processOptionsAreCheckedAndBelongToProcessMode() {
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("mode", "thread"))))
                .hasMessage("executor 'local' (type local): option 'mode' must be 'process' or 'in-process', not "
                        + "'thread'");
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("heap", "lots"))))
                .hasMessage("executor 'local' (type local): option 'heap' must be a size such as 2g or 1536m, not "
                        + "'lots'");
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("heap", "256m"))))
                .hasMessage("executor 'local' (type local): option 'heap' must be at least 512m, which Spark needs to "
                        + "start, not '256m'");
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("jvmFlags", "-Xss4m -cp /x"))))
                .hasMessageContaining("option 'jvmFlags' takes JVM options (-XX:..., -D...), not '-cp'");
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("warmup", "sometimes"))))
                .hasMessage("executor 'local' (type local): option 'warmup' must be 'eager' or 'lazy', not "
                        + "'sometimes'");
    }

    @Test
    void sparkStartsWithTheFirstAttemptNotWithTheExecutor() {
        try (Executor executor = new LocalSparkExecutorFactory()
                .create(config(Map.of("stopSparkOnClose", "false", "mode", "in-process")))) {
            assertThat(executor.health())
                    .isEqualTo(HealthStatus.ok(
                            "local Spark (master local[*]) not started yet; it starts with the first attempt"));
        }
    }

    @Test
    void healthNamesTheSparkApplicationOnceStarted() {
        HealthStatus health = SharedSpark.executor().health();

        assertThat(health.healthy()).isTrue();
        assertThat(health.message())
                .startsWith("local Spark session started: application "
                        + SharedSpark.spark().sparkContext().applicationId() + ", master local[2]");
    }

    @Test
    void unknownOptionsAreErrors() {
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("mastr", "local[2]"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("executor 'local' (type local): unknown option 'mastr', known options: "
                        + "[allowUnsafeSql, allowedRoots, cacheInferredSchemas, cancelGraceSeconds, eventLogDir, heap, "
                        + "historyServerUrl, jars, jvmFlags, master, metrics, mode, python, stopSparkOnClose, warmup]");
    }

    @Test
    void pythonIsACommandOrAPathRelativeToTheWorkDirAndMayNotBeEmpty() {
        assertThat(LocalSparkOptions.from(config(Map.of("python", "python3"))).python())
                .contains("python3");
        assertThat(LocalSparkOptions.from(config(Map.of("python", "venv/bin/python")))
                        .python())
                .contains(config(Map.of())
                        .workDir()
                        .resolve("venv/bin/python")
                        .toAbsolutePath()
                        .normalize()
                        .toString());
        assertThat(LocalSparkOptions.from(config(Map.of())).python()).isEmpty();
        assertThatThrownBy(() -> LocalSparkOptions.from(config(Map.of("python", " "))))
                .hasMessageContaining("option 'python' is empty");
    }

    @Test
    void theGuardsSettingsAreOptionsNotSparkConf() {
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("allowUnsafeSql", "yes"))))
                .hasMessage("executor 'local' (type local): option 'allowUnsafeSql' must be true or false, not 'yes'");
        assertThatThrownBy(() -> new LocalSparkExecutorFactory()
                        .create(new ExecutorConfig(
                                "local", "local", 2, dir, Map.of("spark.kindling.guard.enabled", "false"), Map.of())))
                .hasMessageContaining("spark_conf 'spark.kindling.guard.enabled' is the SQL guard's own setting");
    }

    @Test
    void badOptionValuesAreErrors() {
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("stopSparkOnClose", "no"))))
                .hasMessage("executor 'local' (type local): option 'stopSparkOnClose' must be true or false, not 'no'");
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("cacheInferredSchemas", "1"))))
                .hasMessage("executor 'local' (type local): option 'cacheInferredSchemas' must be true or false, "
                        + "not '1'");
        assertThatThrownBy(() -> new LocalSparkExecutorFactory().create(config(Map.of("cancelGraceSeconds", "0"))))
                .hasMessage("executor 'local' (type local): option 'cancelGraceSeconds' must be a whole number of "
                        + "seconds, at least 1, not '0'");
    }
}
