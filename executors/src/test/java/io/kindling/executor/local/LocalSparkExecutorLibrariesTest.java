package io.kindling.executor.local;

import static io.kindling.executor.local.SharedSpark.read;
import static io.kindling.executor.local.SharedSpark.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Redactor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A class task whose code is in a jar the test compiles (not on the class path): through the attempt's libraries
 * or the executor's {@code jars} option, on the driver and inside Spark's tasks (a map function from the jar), and
 * seen by that attempt alone.
 */
class LocalSparkExecutorLibrariesTest {
    static final String TASK = "acme.Doubles";
    static final Map<String, String> SOURCES = Map.of("acme.Times2", """
            package acme;
            public class Times2 implements org.apache.spark.api.java.function.MapFunction<Long, Long> {
                public Long call(Long x) { return x * 2; }
            }
            """, TASK, """
            package acme;
            import io.kindling.executor.spark.*;
            import org.apache.spark.sql.*;
            public class Doubles implements SparkTask {
                public void run(SparkTaskContext context) {
                    Dataset<Long> doubled = context.spark().range(1, 4).map(new Times2(), Encoders.LONG());
                    doubled.toDF("n").write().json(context.workDir().resolve(context.args().get("out")).toString());
                    context.log("doubled by " + Times2.class.getName());
                }
            }
            """);

    @TempDir
    static Path jars;

    private static Path jar;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildTheJar() {
        jar = TestJars.compile(jars.resolve("acme-tasks.jar"), SOURCES);
        SharedSpark.executor();
    }

    @Test
    void aTaskRunsCodeFromItsLibrariesInItsSparkJobsToo() {
        try (LocalSparkExecutor executor = SharedSpark.newExecutor("libraries", dir, Map.of())) {
            AttemptResult result = run(executor, request("out/a", List.of(jar), dir.resolve("a.log")));

            assertThat(result)
                    .as(read(dir.resolve("a.log")))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
        }
        assertThat(SharedSpark.spark()
                        .read()
                        .json(dir.resolve("out/a").toString())
                        .collectAsList())
                .extracting(row -> row.getLong(0))
                .containsExactlyInAnyOrder(2L, 4L, 6L);
        assertThat(read(dir.resolve("a.log"))).contains("library " + jar).contains("doubled by acme.Times2");
    }

    @Test
    void anotherAttemptDoesNotSeeThem() {
        try (LocalSparkExecutor executor = SharedSpark.newExecutor("libraries", dir, Map.of())) {
            assertThat(run(executor, request("out/with", List.of(jar), dir.resolve("with.log"))))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());

            AttemptResult without = run(executor, request("out/without", List.of(), dir.resolve("without.log")));

            assertThat(without)
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.failed("class acme.Doubles was not found on the executor's classpath"));
        }
    }

    @Test
    void theExecutorsJarsServeEveryAttempt() {
        Map<String, String> options = Map.of("jars", dir.relativize(jar).toString());
        try (LocalSparkExecutor executor = SharedSpark.newExecutor("with-jars", dir, options)) {
            AttemptResult result = run(executor, request("out/b", List.of(), dir.resolve("b.log")));

            assertThat(result)
                    .as(read(dir.resolve("b.log")))
                    .extracting(AttemptResult::withoutSparkMetrics)
                    .isEqualTo(AttemptResult.succeeded());
        }
        assertThat(SharedSpark.spark()
                        .read()
                        .json(dir.resolve("out/b").toString())
                        .count())
                .isEqualTo(3);
    }

    @Test
    void aMissingExecutorJarStopsTheStart() {
        assertThatThrownBy(() -> SharedSpark.newExecutor("bad", dir, Map.of("jars", "lib/none.jar")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("executor 'bad' (type local): option 'jars': no such file " + dir.resolve("lib/none.jar"));
    }

    static AttemptRequest request(String out, List<Path> libraries, Path log) {
        return new AttemptRequest(
                "doubles-" + UUID.randomUUID(),
                "run-1",
                "test_pipeline",
                "doubles",
                1,
                new TaskBody.JavaClass(TASK, Map.of("out", out)),
                Map.of(),
                Map.of(),
                log,
                Redactor.NONE,
                libraries);
    }
}
