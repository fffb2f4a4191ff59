package io.kindling.scheduler.libraries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.TestMavenRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Class tasks whose code comes from {@code libraries:}: a jar in the pipeline's folder, and Maven coordinates (with a
 * dependency of their own) resolved from a repository folder the test publishes them to, on the local executor. A
 * file naming coordinates no repository has is a load problem with its line.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LibrariesDaemonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KindlingApp BASE = KindlingApp.create(false);
    private static final KindlingApp APP = publishAndConfigure(BASE);
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    private static KindlingApp publishAndConfigure(KindlingApp app) {
        Path pipelines = app.workDir.resolve("pipelines");
        TestMavenRepository.compile(pipelines.resolve("lib/acme-tasks.jar"), Map.of("acme.Doubles", """
                        package acme;
                        import io.kindling.executor.spark.*;
                        import org.apache.spark.sql.*;
                        public class Doubles implements SparkTask {
                            public void run(SparkTaskContext context) {
                                context.spark().range(1, 4)
                                        .map((org.apache.spark.api.java.function.MapFunction<Long, Long>) x -> x * 2,
                                                Encoders.LONG())
                                        .toDF("n").write()
                                        .json(context.workDir().resolve(context.args().get("out")).toString());
                            }
                        }
                        """), List.of());
        TestMavenRepository repository = new TestMavenRepository(app.workDir.resolve("repository"));
        repository.publish("com.acme:acme-math:1.0", Map.of("acme.math.Times3", """
                        package acme.math;
                        public class Times3 implements org.apache.spark.api.java.function.MapFunction<Long, Long> {
                            public Long call(Long x) { return x * 3; }
                        }
                        """), List.of());
        repository.publish(
                "com.acme:acme-udfs:1.0", Map.of("acme.udfs.Triples", """
                        package acme.udfs;
                        import io.kindling.executor.spark.*;
                        import org.apache.spark.sql.*;
                        public class Triples implements SparkTask {
                            public void run(SparkTaskContext context) {
                                context.spark().range(1, 4).map(new acme.math.Times3(), Encoders.LONG())
                                        .toDF("n").write()
                                        .json(context.workDir().resolve(context.args().get("out")).toString());
                            }
                        }
                        """), List.of("com.acme:acme-math:1.0"));
        TestMavenRepository.write(pipelines.resolve("libs.yml"), """
                pipeline: libs
                libraries:
                  - jar: lib/acme-tasks.jar
                tasks:
                  - id: doubles
                    class: acme.Doubles
                    args: {out: data/out/doubles}
                  - id: triples
                    class: acme.udfs.Triples
                    args: {out: data/out/triples}
                    libraries:
                      - maven: com.acme:acme-udfs:1.0
                """);
        TestMavenRepository.write(pipelines.resolve("missing.yml"), """
                pipeline: missing
                tasks:
                  - id: a
                    class: acme.udfs.Triples
                    libraries:
                      - maven: com.acme:acme-nothing:9.9
                """);
        // the test config plus a repository list (an override cannot add list entries)
        Path config = app.workDir.resolve("config.yml");
        try {
            TestMavenRepository.write(
                    config,
                    Files.readString(Path.of(ResourceHelpers.resourceFilePath("test-config.yml")))
                            + repository.librariesConfig(app.workDir.resolve("data/libraries")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return app.withConfig(config);
    }

    @Test
    void classTasksRunFromAJarAndFromMavenCoordinatesWithTheirDependencies() {
        String runId =
                http.post("/pipelines/libs/runs", Map.of(), 201).get("run_id").asText();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> http.get("/runs/" + runId).get("state").asText(),
                        s -> !s.equals("QUEUED") && !s.equals("RUNNING"));

        assertThat(http.get("/runs/" + runId).get("state").asText())
                .as("%s", http.get("/runs/" + runId))
                .isEqualTo("SUCCEEDED");
        assertThat(numbers(APP.workDir.resolve("data/out/doubles"))).containsExactlyInAnyOrder(2L, 4L, 6L);
        assertThat(numbers(APP.workDir.resolve("data/out/triples"))).containsExactlyInAnyOrder(3L, 6L, 9L);
        assertThat(APP.workDir.resolve("data/libraries/com/acme/acme-math/1.0/acme-math-1.0.jar"))
                .isRegularFile();
    }

    @Test
    void coordinatesNoRepositoryHasAreALoadProblemAtTheirLine() {
        JsonNode errors = http.get("/pipelines").get("load_errors");

        assertThat(errors.toString())
                .contains("missing.yml:6:16: libraries: cannot resolve com.acme:acme-nothing:9.9: ")
                .contains("com.acme:acme-nothing");
        assertThat(http.get("/pipelines").toString()).contains("\"libs\"").doesNotContain("\"id\":\"missing\"");
    }

    private static List<Long> numbers(Path folder) {
        List<Long> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path part : files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .toList()) {
                for (String line : Files.readAllLines(part)) {
                    numbers.add(JSON.readTree(line).get("n").asLong());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return numbers;
    }
}
