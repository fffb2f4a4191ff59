package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code trigger: continuous} on a real daemon with local Spark: a streaming task reads JSON files dropped into a
 * folder and appends them to Parquet; a cancelled run stops its query and the next run resumes from the checkpoint
 * (no file is read twice); a paused pipeline gets no run; and never are two runs of a pipeline active at once.
 * {@link ContinuousBackoffTest} has runs that time out.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ContinuousPipelineTest {
    private static final KindlingApp APP = landing(KindlingApp.create(false, "pipelines/continuous")
            .withOverrides(ConfigOverride.config("continuous.checkInterval", "200ms")));
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);
    private final ContinuousRuns runs = new ContinuousRuns(APP);

    /** The folder the stream reads exists before the daemon starts its first run. */
    private static KindlingApp landing(KindlingApp app) {
        try {
            Files.createDirectories(app.workDir.resolve("landing/events"));
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aCancelledStreamStopsAndTheNextRunResumesFromItsCheckpoint() throws Exception {
        drop(
                "a.json",
                "{\"id\": 1, \"name\": \"ada\"}\n{\"id\": 2, \"name\": \"bo\"}\n{\"id\": 3, \"name\": \"cy\"}\n");
        JsonNode first = runs.awaitActiveRun("stream");
        assertThat(first.get("trigger").asText()).isEqualTo("continuous");
        // its logical time is when it was made
        assertThat(Duration.between(
                                Instant.parse(first.get("logical_time").asText()),
                                Instant.parse(first.get("created_at").asText()))
                        .abs())
                .isLessThan(Duration.ofSeconds(1));
        await().atMost(Duration.ofMinutes(1)).until(() -> sinkRows() == 3);
        Thread query = await().atMost(Duration.ofSeconds(30))
                .until(() -> runs.queryThread("stream", "load"), Optional::isPresent)
                .orElseThrow();

        http.post("/runs/" + first.get("run_id").asText() + "/cancel");

        JsonNode cancelled = runs.awaitEnded(first.get("run_id").asText());
        assertThat(cancelled.get("state").asText()).isEqualTo("CANCELLED");
        assertThat(ContinuousRuns.attempt(cancelled).get("state").asText()).isEqualTo("CANCELLED");
        // the attempt ended once its query had stopped: none of it is left in the Spark process
        assertThat(query.isAlive()).isFalse();
        assertThat(runs.log(first)).contains("stopping streaming query", "stopped", "attempt cancelled");
        // as on Databricks, a cancelled run of a continuous pipeline is followed by the next at once
        JsonNode second = runs.awaitActiveRun("stream");
        assertThat(second.get("run_id").asText())
                .isNotEqualTo(first.get("run_id").asText());

        drop("b.json", "{\"id\": 4, \"name\": \"di\"}\n{\"id\": 5, \"name\": \"ed\"}\n");
        await().atMost(Duration.ofMinutes(1)).until(() -> sinkRows() == 5);
        // a.json was read by the first run only: the second resumed from the checkpoint
        assertThat(sinkRows()).isEqualTo(5);
        assertThat(runs.log(second)).contains("checkpoint " + APP.workDir.resolve("checkpoints/stream/load"));

        // paused: the run goes on until cancelled, and then no other starts
        http.post("/pipelines/stream/pause");
        http.post("/runs/" + second.get("run_id").asText() + "/cancel");
        assertThat(runs.awaitEnded(second.get("run_id").asText()).get("state").asText())
                .isEqualTo("CANCELLED");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> runs.active("stream").isEmpty());
        assertThat(http.runs("stream")).hasSize(2);
        assertThat(runs.queryThread("stream", "load")).isEmpty();
        runs.assertOneActiveAtATime("stream");
    }

    /** Writes a file next to the folder and moves it in, so the stream never lists it half written. */
    private static void drop(String name, String text) throws IOException {
        Path staged = Files.writeString(APP.workDir.resolve(name + ".tmp"), text);
        Files.move(staged, APP.workDir.resolve("landing/events").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The rows the sink has committed (Spark reads a file sink through its log of committed files). */
    private static long sinkRows() {
        Path path = APP.workDir.resolve("out/events");
        if (!Files.isDirectory(path.resolve("_spark_metadata"))) {
            return 0;
        }
        SparkSession spark = SparkSession.active().newSession();
        // the shared session's guard has the roots of whichever test started Spark
        SparkGuard.setForSession(spark, SparkGuard.sessionConf(APP.workDir, new GuardOptions(List.of(), false)));
        return spark.read()
                .schema("id INT, name STRING")
                .parquet(path.toString())
                .count();
    }
}
