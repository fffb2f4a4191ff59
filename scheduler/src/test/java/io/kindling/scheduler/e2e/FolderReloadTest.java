package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.MutableClock;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon watches its pipelines folder: saving a file takes effect within seconds, without a restart; a broken
 * save keeps the last good version running and shows the error; deleting a file unschedules the pipeline but
 * keeps its runs and versions.
 */
class FolderReloadTest {
    private static final Instant START = Instant.parse("2026-06-01T10:00:05Z");
    private static final Duration RELOAD = Duration.ofSeconds(15);

    private static final String GATED_V1 = """
            pipeline: gated
            description: first version
            schedule:
              cron: "*/10 * * * *"
            tasks:
              - id: wait
                class: io.kindling.scheduler.support.WaitsForFileTask
                args: {file: "data/go"}
              - id: old_step
                depends_on: [wait]
                class: io.kindling.scheduler.support.SucceedingTask
            """;
    private static final String GATED_V2 = """
            pipeline: gated
            description: second version
            schedule:
              cron: "*/10 * * * *"
            tasks:
              - id: wait
                class: io.kindling.scheduler.support.WaitsForFileTask
                args: {file: "data/go"}
              - id: new_step
                depends_on: [wait]
                class: io.kindling.scheduler.support.SucceedingTask
            """;

    private final MutableClock clock = new MutableClock(START);
    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private Path pipelines() {
        return app.workDir.resolve("pipelines");
    }

    private void write(String file, String text) throws IOException {
        Files.writeString(pipelines().resolve(file), text);
    }

    private JsonNode awaitRunEnds(Http api, String runId) {
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(api.get("/runs/" + runId).get("state").asText()));
        return api.get("/runs/" + runId);
    }

    private static List<String> taskIds(JsonNode run) {
        List<String> ids = new ArrayList<>();
        run.get("tasks").forEach(t -> ids.add(t.get("task_id").asText()));
        return ids;
    }

    private int status(String path) {
        try (Response response = app.extension
                .client()
                .target(app.api(path))
                .request(MediaType.APPLICATION_JSON)
                .get()) {
            return response.getStatus();
        }
    }

    @Test
    void aSavedFileTakesEffectWithoutRestartAndARunningRunFinishesOnItsOwnVersion() throws Exception {
        app = KindlingApp.create(clock, false);
        write("gated.yml", GATED_V1);
        app.start();
        Http api = new Http(app);
        String v1 = api.get("/pipelines/gated").get("version").asText();

        JsonNode first = api.post("/pipelines/gated/runs", Map.of(), 201);
        await().atMost(RELOAD)
                .until(() -> "RUNNING"
                        .equals(api.get("/runs/" + first.get("run_id").asText())
                                .get("state")
                                .asText()));

        clock.advance(Duration.ofMinutes(1)); // versions list newest first, by load time
        write("gated.yml", GATED_V2); // while the first run waits in its first task
        await().atMost(RELOAD)
                .pollInterval(Duration.ofMillis(100))
                .until(() ->
                        !api.get("/pipelines/gated").get("version").asText().equals(v1));
        JsonNode pipeline = api.get("/pipelines/gated");
        String v2 = pipeline.get("version").asText();
        assertThat(pipeline.get("description").asText()).isEqualTo("second version");
        assertThat(pipeline.get("load_errors")).isEmpty();

        Files.createDirectories(app.workDir.resolve("data"));
        Files.writeString(app.workDir.resolve("data/go"), "go");
        JsonNode firstDone = awaitRunEnds(api, first.get("run_id").asText());
        assertThat(firstDone.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(firstDone.get("version").asText()).isEqualTo(v1);
        assertThat(taskIds(firstDone)).containsExactlyInAnyOrder("wait", "old_step");

        JsonNode second = awaitRunEnds(
                api,
                api.post("/pipelines/gated/runs", Map.of(), 201).get("run_id").asText());
        assertThat(second.get("version").asText()).isEqualTo(v2);
        assertThat(taskIds(second)).containsExactlyInAnyOrder("wait", "new_step");

        JsonNode versions = api.get("/pipelines/gated/versions");
        assertThat(versions.get("versions")).hasSize(2);
        assertThat(versions.get("versions").get(0).get("content_hash").asText()).isEqualTo(v2);
        assertThat(versions.get("versions").get(0).get("current").asBoolean()).isTrue();
        assertThat(versions.get("versions").get(1).get("current").asBoolean()).isFalse();
        assertThat(versions.get("versions").get(0).has("source")).isFalse();
        // a run's own definition, as the dashboard shows it
        JsonNode old = api.get("/pipelines/gated/versions/" + v1);
        assertThat(old.get("source").asText()).isEqualTo(GATED_V1);
        assertThat(status("/pipelines/gated/versions/0000")).isEqualTo(404);
    }

    @Test
    void aBrokenSaveKeepsTheLastGoodVersionAndShowsTheErrorUntilItIsFixed() throws Exception {
        app = KindlingApp.create(clock, false);
        write("gated.yml", GATED_V1);
        app.start();
        Http api = new Http(app);
        String v1 = api.get("/pipelines/gated").get("version").asText();

        write("gated.yml", GATED_V2.replace("depends_on: [wait]", "depends_on: [wiat]"));
        await().atMost(RELOAD)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !api.get("/pipelines").get("load_errors").isEmpty());
        JsonNode list = api.get("/pipelines");
        JsonNode error = list.get("load_errors").get(0);
        assertThat(error.get("file").asText()).endsWith("gated.yml");
        assertThat(error.get("problems").get(0).asText()).matches(".*gated\\.yml:10:\\d+: .*wiat.*");
        JsonNode pipeline = api.get("/pipelines/gated");
        assertThat(pipeline.get("version").asText()).isEqualTo(v1);
        assertThat(pipeline.get("description").asText()).isEqualTo("first version");
        assertThat(pipeline.get("load_errors").get(0).asText())
                .contains("gated.yml:10:")
                .contains("wiat");
        assertThat(pipeline.get("next_fire_time").asText()).isEqualTo("2026-06-01T10:10:00Z");

        // the schedule keeps firing the last good version
        clock.advance(Duration.ofMinutes(10));
        app.application().ticker().tickAll();
        List<JsonNode> runs = api.runs("gated");
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).get("version").asText()).isEqualTo(v1);
        api.post("/runs/" + runs.get(0).get("run_id").asText() + "/cancel");

        // a syntax error too
        write("gated.yml", "pipeline: gated\ntasks: [\n");
        await().atMost(RELOAD)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/pipelines/gated")
                        .get("load_errors")
                        .toString()
                        .contains("YAML syntax error"));
        assertThat(api.get("/pipelines/gated").get("version").asText()).isEqualTo(v1);

        write("gated.yml", GATED_V2);
        await().atMost(RELOAD)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api.get("/pipelines").get("load_errors").isEmpty());
        pipeline = api.get("/pipelines/gated");
        assertThat(pipeline.get("version").asText()).isNotEqualTo(v1);
        assertThat(pipeline.get("description").asText()).isEqualTo("second version");
        assertThat(pipeline.get("load_errors")).isEmpty();
    }

    @Test
    void aNewFileIsScheduledFromNowAndADeletedOneIsUnscheduledWithItsHistoryKept() throws Exception {
        app = KindlingApp.create(clock, false);
        write("gated.yml", GATED_V1);
        app.start();
        Http api = new Http(app);
        JsonNode manual = api.post("/pipelines/gated/runs", Map.of(), 201);
        api.post("/runs/" + manual.get("run_id").asText() + "/cancel");

        write("later.yml", """
                pipeline: later
                schedule:
                  cron: "*/10 * * * *"
                tasks:
                  - id: one
                    class: io.kindling.scheduler.support.SucceedingTask
                """);
        await().atMost(RELOAD).pollInterval(Duration.ofMillis(100)).until(() -> status("/pipelines/later") == 200);
        assertThat(api.get("/pipelines/later").get("next_fire_time").asText()).isEqualTo("2026-06-01T10:10:00Z");

        Files.delete(pipelines().resolve("gated.yml"));
        await().atMost(RELOAD).pollInterval(Duration.ofMillis(100)).until(() -> status("/pipelines/gated") == 404);

        clock.advance(Duration.ofMinutes(10));
        app.application().ticker().tickAll();
        assertThat(api.logicalTimes("later")).containsExactly("2026-06-01T10:10:00Z"); // from now, not its past
        assertThat(api.runs("gated")).hasSize(1); // the manual run is kept, nothing was scheduled
        assertThat(api.runs("gated").get(0).get("trigger").asText()).isEqualTo("manual");
        assertThat(api.get("/pipelines/gated/versions").get("versions")).hasSize(1);
        assertThat(api.get("/pipelines/gated/versions")
                        .get("versions")
                        .get(0)
                        .get("current")
                        .asBoolean())
                .isFalse();
        assertThat(api.get("/pipelines").get("pipelines"))
                .extracting(p -> p.get("id").asText())
                .containsExactly("later");
    }
}
