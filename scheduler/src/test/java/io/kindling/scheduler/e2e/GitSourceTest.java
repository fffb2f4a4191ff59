package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.kindling.scheduler.support.GitRepo;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.MutableClock;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pipelines from a real git repository made in the test: a commit takes effect on {@code POST /sources/sync}, a
 * broken commit keeps the last good version running with its error shown, a fix runs the new version, and every
 * run records its version and commit.
 */
class GitSourceTest {
    private static final Instant START = Instant.parse("2026-06-01T10:00:05Z");
    private static final String HELLO_V1 = """
            pipeline: hello
            description: first
            tasks:
              - id: greet
                sql: SELECT 'v1' AS version
            """;
    private static final String HELLO_V2 = """
            pipeline: hello
            description: fixed
            tasks:
              - id: greet
                sql: SELECT 'v2' AS version
              - id: again
                depends_on: [greet]
                sql_file: sql/again.sql
            """;

    private final MutableClock clock = new MutableClock(START);
    private final GitRepo repo = GitRepo.create();
    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        repo.close();
    }

    private JsonNode awaitRunEnds(Http api, String runId) {
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(api.get("/runs/" + runId).get("state").asText()));
        return api.get("/runs/" + runId);
    }

    private JsonNode run(Http api, String pipeline) {
        return awaitRunEnds(
                api,
                api.post("/pipelines/" + pipeline + "/runs", Map.of(), 201)
                        .get("run_id")
                        .asText());
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
    void commitsTakeEffectOnSyncAndEveryRunRecordsItsVersionAndCommit() throws Exception {
        repo.write("README.md", "pipelines live in pipelines/\n");
        repo.write("other/ignored.yml", "not: a pipeline of this source\n");
        repo.write("pipelines/hello.yml", HELLO_V1);
        String c1 = repo.commit("hello v1");
        app = KindlingApp.withGitSource(clock, repo.url()).start();
        Http api = new Http(app);

        JsonNode source = api.get("/sources").get("sources").get(0);
        assertThat(source.get("name").asText()).isEqualTo("repo");
        assertThat(source.get("type").asText()).isEqualTo("git");
        assertThat(source.get("commit").asText()).isEqualTo(c1);
        assertThat(source.get("pipelines").asInt()).isEqualTo(1); // only the sub-folder is read
        JsonNode hello = api.get("/pipelines/hello");
        assertThat(hello.get("git_commit").asText()).isEqualTo(c1);
        assertThat(hello.get("source").asText()).isEqualTo("repo");
        JsonNode before = run(api, "hello");
        assertThat(before.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(before.get("git_commit").asText()).isEqualTo(c1);

        // a commit that adds a scheduled pipeline schedules it after a sync
        repo.write("pipelines/nightly.yml", """
                pipeline: nightly
                schedule:
                  cron: "*/10 * * * *"
                tasks:
                  - id: one
                    sql: SELECT 1 AS one
                """);
        String c2 = repo.commit("add nightly");
        assertThat(status("/pipelines/nightly")).isEqualTo(404); // nothing happens before the sync
        JsonNode synced = api.post("/sources/sync", Map.of(), 200);
        assertThat(synced.get("sources").get(0).get("commit").asText()).isEqualTo(c2);
        assertThat(api.get("/pipelines/nightly").get("next_fire_time").asText()).isEqualTo("2026-06-01T10:10:00Z");
        assertThat(api.get("/pipelines/nightly").get("git_commit").asText()).isEqualTo(c2);
        assertThat(api.get("/pipelines/hello").get("git_commit").asText()).isEqualTo(c1); // unchanged since c1
        clock.advance(Duration.ofMinutes(10));
        app.application().ticker().tickAll();
        assertThat(api.logicalTimes("nightly")).containsExactly("2026-06-01T10:10:00Z");

        // a commit that breaks hello keeps the old version running and exposes the error
        repo.write("pipelines/hello.yml", HELLO_V1.replace("tasks:", "tasks:\n  - id: greet\n    sql: SELECT 2"));
        repo.commit("break hello: duplicate task");
        api.post("/sources/sync", Map.of(), 200);
        JsonNode broken = api.get("/pipelines/hello");
        assertThat(broken.get("version").asText())
                .isEqualTo(before.get("version").asText());
        assertThat(broken.get("load_errors").get(0).asText()).matches(".*pipelines/hello\\.yml:\\d+:\\d+: .*greet.*");
        assertThat(api.get("/pipelines").get("load_errors").get(0).get("file").asText())
                .endsWith("hello.yml");
        assertThat(api.get("/sources")
                        .get("sources")
                        .get(0)
                        .get("files_with_problems")
                        .asInt())
                .isEqualTo(1);
        JsonNode during = run(api, "hello");
        assertThat(during.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(during.get("version").asText())
                .isEqualTo(before.get("version").asText());
        assertThat(during.get("git_commit").asText()).isEqualTo(c1);

        // a commit that fixes it runs the new version, sql_file included
        repo.write("pipelines/hello.yml", HELLO_V2);
        repo.write("pipelines/sql/again.sql", "SELECT 'again' AS what");
        String c4 = repo.commit("fix hello");
        clock.advance(Duration.ofMinutes(1));
        api.post("/sources/sync", Map.of(), 200);
        JsonNode fixed = api.get("/pipelines/hello");
        assertThat(fixed.get("load_errors")).isEmpty();
        assertThat(fixed.get("description").asText()).isEqualTo("fixed");
        JsonNode after = run(api, "hello");
        assertThat(after.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(after.get("version").asText())
                .isNotEqualTo(before.get("version").asText());
        assertThat(after.get("git_commit").asText()).isEqualTo(c4);
        assertThat(after.get("tasks")).hasSize(2);

        JsonNode versions = api.get("/pipelines/hello/versions").get("versions");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).get("git_commit").asText()).isEqualTo(c4);
        assertThat(versions.get(1).get("git_commit").asText()).isEqualTo(c1);

        // a commit that deletes a file unschedules its pipeline; its runs stay
        repo.delete("pipelines/nightly.yml");
        repo.commit("drop nightly");
        api.post("/sources/sync", Map.of(), 200);
        assertThat(status("/pipelines/nightly")).isEqualTo(404);
        assertThat(api.runs("nightly")).hasSize(1);
    }

    @Test
    void aSourceThatCannotBeFetchedKeepsItsPipelinesAndSaysWhy() throws Exception {
        repo.write("pipelines/hello.yml", HELLO_V1);
        repo.commit("hello");
        app = KindlingApp.withGitSource(clock, repo.url()).start();
        Http api = new Http(app);
        assertThat(status("/pipelines/hello")).isEqualTo(200);

        // the remote disappears
        try (var files = Files.walk(repo.dir())) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
        Response response = api.post("/sources/sync", Map.of());
        JsonNode error = response.readEntity(JsonNode.class);
        assertThat(response.getStatus()).isEqualTo(502);
        assertThat(error.get("code").asInt()).isEqualTo(502);
        assertThat(error.get("message").asText()).startsWith("source repo: git: cannot sync branch 'main' of ");
        assertThat(api.get("/sources").get("sources").get(0).get("error").asText())
                .contains("cannot sync");
        assertThat(status("/pipelines/hello")).isEqualTo(200);

        Response unknown = api.post("/sources/sync?source=nope", Map.of());
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(unknown.readEntity(JsonNode.class).get("message").asText()).contains("no source named 'nope'");
    }
}
