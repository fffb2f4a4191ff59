package io.kindling.scheduler.libraries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.cluster.LocalCluster;
import io.kindling.cluster.SharedCluster;
import io.kindling.scheduler.support.ClusterTestConfig;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.TestMavenRepository;
import io.kindling.scheduler.support.TestPython;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code libraries:} on the Spark Connect server: a jar in the pipeline's folder, Maven coordinates (with a
 * dependency of their own) from a repository folder the test publishes them to, and an executor's {@code jars}, each
 * uploaded to the attempt's session, whose SQL makes a function of a class in them; the session after it, without
 * them, cannot load that class.
 */
@Tag("cluster")
class LibrariesConnectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A UDAF in the jar of the pipeline's folder: sum of squares. */
    private static final String SQUARES = """
            package acme;
            import org.apache.spark.sql.Row;
            import org.apache.spark.sql.expressions.*;
            import org.apache.spark.sql.types.*;
            public class SumOfSquares extends UserDefinedAggregateFunction {
                public StructType inputSchema() { return new StructType().add("x", DataTypes.LongType); }
                public StructType bufferSchema() { return new StructType().add("s", DataTypes.LongType); }
                public DataType dataType() { return DataTypes.LongType; }
                public boolean deterministic() { return true; }
                public void initialize(MutableAggregationBuffer b) { b.update(0, 0L); }
                public void update(MutableAggregationBuffer b, Row in) { b.update(0, b.getLong(0) + square(in.getLong(0))); }
                public void merge(MutableAggregationBuffer b, Row o) { b.update(0, b.getLong(0) + o.getLong(0)); }
                public Object evaluate(Row b) { return b.getLong(0); }
                protected long square(long x) { return x * x; }
            }
            """;

    private static LocalCluster cluster;
    private static KindlingApp app;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        cluster = SharedCluster.get();
        KindlingApp base = KindlingApp.create(false);
        Path pipelines = base.workDir.resolve("pipelines");
        TestMavenRepository.compile(
                pipelines.resolve("lib/acme-udfs.jar"), Map.of("acme.SumOfSquares", SQUARES), List.of());
        TestMavenRepository repository = new TestMavenRepository(base.workDir.resolve("repository"));
        repository.publish("com.acme:acme-math:1.0", Map.of("acme.math.Powers", """
                        package acme.math;
                        public class Powers {
                            public static long cube(long x) { return x * x * x; }
                        }
                        """), List.of());
        // sums cubes with the dependency's code, in Spark's tasks on the server
        String cubes = SQUARES.replace("package acme;", "package acme.agg;")
                .replace("SumOfSquares", "SumOfCubes")
                .replace("return x * x;", "return acme.math.Powers.cube(x);");
        repository.publish(
                "com.acme:acme-agg:1.0", Map.of("acme.agg.SumOfCubes", cubes), List.of("com.acme:acme-math:1.0"));
        TestMavenRepository.write(pipelines.resolve("connect_libs.yml"), """
                pipeline: connect_libs
                libraries:
                  - jar: lib/acme-udfs.jar
                tasks:
                  - id: squares
                    sql: |
                      CREATE TEMPORARY FUNCTION sum_sq AS 'acme.SumOfSquares';
                      SELECT sum_sq(id) AS n FROM range(1, 4)
                    output: {format: json, path: "data/out/{{ run_id }}/squares", mode: overwrite}
                  - id: cubes
                    libraries:
                      - maven: com.acme:acme-agg:1.0
                    sql: |
                      CREATE TEMPORARY FUNCTION sum_cubes AS 'acme.agg.SumOfCubes';
                      SELECT sum_cubes(id) AS n FROM range(1, 4)
                    output: {format: json, path: "data/out/{{ run_id }}/cubes", mode: overwrite}
                """);
        String functionWithout = """
                    sql: |
                      CREATE TEMPORARY FUNCTION sum_sq AS 'acme.SumOfSquares';
                      SELECT sum_sq(id) AS n FROM range(1, 4)
                    output: {format: json, path: "data/out/{{ run_id }}/%s", mode: overwrite}
                """;
        TestMavenRepository.write(pipelines.resolve("connect_without.yml"), """
                pipeline: connect_without
                tasks:
                  - id: without
                """ + functionWithout.formatted("without"));
        TestMavenRepository.write(
                pipelines.resolve("connect_executor_jars.yml"), """
                pipeline: connect_executor_jars
                tasks:
                  - id: with_executor_jars
                    executor: connect_jars
                """ + functionWithout.formatted("executor_jars"));
        // a Python task's pyspark-client joins the attempt's session: the jars uploaded to it serve it too
        TestMavenRepository.write(pipelines.resolve("jobs/cubes.py"), """
                import kindling
                spark.udf.registerJavaUDAF("sum_cubes", "acme.agg.SumOfCubes")
                kindling.set_value("n", spark.sql("SELECT sum_cubes(id) AS n FROM range(1, 5)").first().n)
                """);
        TestMavenRepository.write(pipelines.resolve("connect_python.yml"), """
                pipeline: connect_python
                tasks:
                  - id: cubes
                    executor: connect_jars
                    python: {file: jobs/cubes.py}
                    libraries:
                      - maven: com.acme:acme-agg:1.0
                """);
        app = base.withConfig(config(base.workDir, repository)).start();
        http = new Http(app);
    }

    /** The cluster config, a second Connect executor with {@code jars}, and the repository. */
    private static Path config(Path workDir, TestMavenRepository repository) throws IOException {
        Path config = ClusterTestConfig.write(workDir, cluster, "connect");
        String yaml = Files.readString(config)
                .replace("webhooks:\n", """
                          connect_jars:
                            type: spark-connect
                            options:
                              url: %s
                              jars: pipelines/lib/acme-udfs.jar
                              python: %s
                        webhooks:
                        """.formatted(cluster.settings().connectUrl(), TestPython.interpreter()));
        Files.writeString(config, yaml + repository.librariesConfig(workDir.resolve("data/libraries")));
        return config;
    }

    @AfterAll
    static void stop() {
        app.stop();
    }

    @Test
    void sqlUsesFunctionsFromAJarAndFromMavenCoordinatesAndTheNextSessionDoesNotSeeThem() {
        String runId = runToTheEnd("connect_libs");
        JsonNode run = http.get("/runs/" + runId);

        assertThat(run.get("state").asText()).as("%s", run).isEqualTo("SUCCEEDED");
        assertThat(number(app.workDir.resolve("data/out/" + runId + "/squares")))
                .isEqualTo(1 + 4 + 9);
        assertThat(number(app.workDir.resolve("data/out/" + runId + "/cubes"))).isEqualTo(1 + 8 + 27);
        assertThat(log(runId, "cubes"))
                .contains("acme-udfs.jar")
                .contains("acme-agg-1.0.jar")
                .contains("acme-math-1.0.jar")
                .contains("3 libraries (");

        String without = runToTheEnd("connect_without");
        JsonNode failed = http.get("/runs/" + without);

        assertThat(failed.get("state").asText()).isEqualTo("FAILED");
        assertThat(failed.get("tasks")
                        .get(0)
                        .get("attempts")
                        .get(0)
                        .get("error")
                        .asText())
                .contains("acme.SumOfSquares");
    }

    @Test
    void theExecutorsJarsServeEveryAttempt() {
        String runId = runToTheEnd("connect_executor_jars");

        assertThat(http.get("/runs/" + runId).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(number(app.workDir.resolve("data/out/" + runId + "/executor_jars")))
                .isEqualTo(14);
    }

    @Test
    void aPythonTaskRegistersAJavaFunctionFromItsLibraries() {
        String runId = runToTheEnd("connect_python");
        JsonNode task = http.get("/runs/" + runId).get("tasks").get(0);

        assertThat(task.get("state").asText()).as("%s", task).isEqualTo("SUCCEEDED");
        assertThat(task.get("values").get("n").asLong()).isEqualTo(1 + 8 + 27 + 64);
    }

    private static String runToTheEnd(String pipeline) {
        String runId = http.post("/pipelines/" + pipeline + "/runs", Map.of(), 201)
                .get("run_id")
                .asText();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> http.get("/runs/" + runId).get("state").asText(),
                        s -> !s.equals("QUEUED") && !s.equals("RUNNING"));
        return runId;
    }

    private static String log(String runId, String task) {
        return app.extension
                .client()
                .target(app.api("/runs/" + runId + "/tasks/" + task + "/log"))
                .request()
                .get(String.class);
    }

    /** The one number a task wrote. */
    private static long number(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            List<String> lines = files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .flatMap(part -> {
                        try {
                            return Files.readAllLines(part).stream();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
            assertThat(lines).hasSize(1);
            return JSON.readTree(lines.get(0)).get("n").asLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
