package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code trigger: continuous} on a real daemon with local Spark: a streaming task reads JSON files dropped into a
 * folder and appends them to Parquet; a cancelled run stops its query and the next run resumes from the checkpoint
 * (no file is read twice); a restart of the daemon takes the active run up again (no second run); a paused pipeline
 * gets no run; and never are two runs of a pipeline active at once. {@link ContinuousBackoffTest} has runs that
 * time out.
 */
class ContinuousPipelineTest {
    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void aStreamCancelledOrRestartedResumesFromItsCheckpointInOneRunAtATime() throws Exception {
        app = KindlingApp.create(false, "pipelines/continuous")
                .withOverrides(ConfigOverride.config("continuous.checkInterval", "200ms"));
        // the folder the stream reads exists before the daemon starts its first run
        Files.createDirectories(app.workDir.resolve("landing/events"));
        drop(
                "a.json",
                "{\"id\": 1, \"name\": \"ada\"}\n{\"id\": 2, \"name\": \"bo\"}\n{\"id\": 3, \"name\": \"cy\"}\n");
        app.start();
        Http http = new Http(app);
        ContinuousRuns runs = new ContinuousRuns(app);

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
        assertThat(runs.log(second)).contains("checkpoint " + app.workDir.resolve("checkpoints/stream/load"));

        // a restart hands the active run over to the next start: the same run goes on, none other is made
        app.stop();
        app = app.again().start();
        Http restartedHttp = new Http(app);
        ContinuousRuns restarted = new ContinuousRuns(app);
        assertThat(restarted.awaitActiveRun("stream").get("run_id").asText())
                .isEqualTo(second.get("run_id").asText());
        drop("c.json", "{\"id\": 6, \"name\": \"fa\"}\n");
        await().atMost(Duration.ofMinutes(1)).until(() -> sinkRows() == 6);

        // paused: the run goes on until cancelled, and then no other starts
        restartedHttp.post("/pipelines/stream/pause");
        restartedHttp.post("/runs/" + second.get("run_id").asText() + "/cancel");
        assertThat(restarted
                        .awaitEnded(second.get("run_id").asText())
                        .get("state")
                        .asText())
                .isEqualTo("CANCELLED");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> restarted.active("stream").isEmpty());
        assertThat(restartedHttp.runs("stream")).hasSize(2);
        assertThat(sinkRows()).isEqualTo(6);
        assertThat(restarted.queryThread("stream", "load")).isEmpty();
        restarted.assertOneActiveAtATime("stream");
    }

    /** Writes a file next to the folder and moves it in, so the stream never lists it half written. */
    private void drop(String name, String text) throws IOException {
        Path staged = Files.writeString(app.workDir.resolve(name + ".tmp"), text);
        Files.move(staged, app.workDir.resolve("landing/events").resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The rows the sink has committed (Spark reads a file sink through its log of committed files). */
    private long sinkRows() {
        Path path = app.workDir.resolve("out/events");
        if (!Files.isDirectory(path.resolve("_spark_metadata"))) {
            return 0;
        }
        SparkSession spark = SparkSession.active().newSession();
        // the shared session's guard has the roots of whichever test started Spark
        SparkGuard.setForSession(spark, SparkGuard.sessionConf(app.workDir, new GuardOptions(List.of(), false)));
        return spark.read()
                .schema("id INT, name STRING")
                .parquet(path.toString())
                .count();
    }
}
