package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * for_each tasks through HTTP on one daemon with local Spark: iterations over an upstream task's values as task runs
 * of their own ({@code <id>[<index>]}, with their item), {@code {{ item }}} and {@code :item} bound, objects and
 * table names, a failing iteration repaired alone, items that are not a list or too many, no items, and the files
 * refused at load with file, line and field.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForEachTest {
    private static final List<String> ENDED = List.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final ObjectMapper JSON = new ObjectMapper();

    private KindlingApp app;
    private Http api;

    @BeforeAll
    void start() throws Exception {
        app = KindlingApp.create(false, "pipelines/for_each").start();
        api = new Http(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    private String trigger(String pipeline) {
        return api.post("/pipelines/" + pipeline + "/runs", Map.of("params", Map.of()), 201)
                .get("run_id")
                .asText();
    }

    private JsonNode awaitEnd(String runId) {
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() ->
                        ENDED.contains(api.get("/runs/" + runId).get("state").asText()));
        return api.get("/runs/" + runId);
    }

    private static Map<String, JsonNode> tasks(JsonNode run) {
        Map<String, JsonNode> tasks = new LinkedHashMap<>();
        run.get("tasks").forEach(t -> tasks.put(t.get("task_id").asText(), t));
        return tasks;
    }

    /** The rows of the JSON files Spark wrote under {@code folder}. */
    private List<JsonNode> rows(Path folder) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path part : files.filter(f -> f.getFileName().toString().startsWith("part-"))
                    .toList()) {
                for (String line : Files.readAllLines(part)) {
                    rows.add(JSON.readTree(line));
                }
            }
        }
        return rows;
    }

    @Test
    void iterationsOverAnUpstreamValueAreTaskRunsOfTheirOwnWithTheirItemBound() throws Exception {
        String runId = trigger("fe_values");
        JsonNode run = awaitEnd(runId);

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        List<String> order = new ArrayList<>(tasks(run).keySet());
        // grouped: each iteration right after its for-each, in index order
        assertThat(order).containsExactly("after", "each", "each[0]", "each[1]", "each[2]", "list");
        JsonNode each = tasks(run).get("each");
        assertThat(each.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(each.get("attempts").get(0).get("executor").asText()).isEqualTo("scheduler");
        List<String> names = List.of("alpha", "beta", "gamma");
        for (int i = 0; i < 3; i++) {
            JsonNode iteration = tasks(run).get("each[" + i + "]");
            assertThat(iteration.get("for_each").asText()).isEqualTo("each");
            assertThat(iteration.get("item").asText()).isEqualTo(names.get(i));
            assertThat(iteration.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(iteration.get("attempts")).hasSize(1);
            assertThat(iteration.get("attempts").get(0).get("executor").asText())
                    .isEqualTo("local");
            List<JsonNode> rows = rows(app.workDir.resolve("data/out/fe_values/" + runId + "/" + names.get(i)));
            assertThat(rows).hasSize(1);
            assertThat(rows.get(0).get("name").asText()).isEqualTo(names.get(i));
            assertThat(rows.get(0).get("shout").asText()).isEqualTo(names.get(i).toUpperCase());
        }
        assertThat(tasks(run).get("after").get("state").asText()).isEqualTo("SUCCEEDED");
        String log = app.extension
                .client()
                .target(app.api("/runs/" + runId + "/tasks/each%5B1%5D/log"))
                .request(MediaType.TEXT_PLAIN)
                .get(String.class);
        assertThat(log).contains("parameter markers: ").contains(":item='beta'");
    }

    @Test
    void aFailedIterationFailsItsForEachAndARepairRerunsItAlone() throws Exception {
        Files.createDirectories(app.workDir.resolve("data"));
        Files.writeString(app.workDir.resolve("data/fe-1"), "ok");
        Files.writeString(app.workDir.resolve("data/fe-3"), "ok");
        String runId = trigger("fe_repair");
        JsonNode failed = awaitEnd(runId);

        assertThat(failed.get("state").asText()).isEqualTo("FAILED");
        Map<String, JsonNode> tasks = tasks(failed);
        assertThat(tasks.get("each").get("state").asText()).isEqualTo("FAILED");
        assertThat(tasks.get("each").get("error").asText())
                .isEqualTo("1 of 3 iterations did not succeed: each[1] FAILED");
        assertThat(tasks.get("each[1]").get("state").asText()).isEqualTo("FAILED");
        assertThat(tasks.get("each[1]").get("error").asText()).contains("waiting for");
        assertThat(tasks.get("after").get("state").asText()).isEqualTo("UPSTREAM_FAILED");

        Files.writeString(app.workDir.resolve("data/fe-2"), "fixed");
        api.post("/runs/" + runId + "/repair", Map.of(), 202);
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> api.get("/runs/" + runId).get("state").asText().equals("SUCCEEDED"));

        Map<String, JsonNode> repaired = tasks(api.get("/runs/" + runId));
        assertThat(repaired.get("each[1]").get("attempts")).as("rerun").hasSize(2);
        assertThat(repaired.get("each[0]").get("attempts")).as("kept").hasSize(1);
        assertThat(repaired.get("each[2]").get("attempts")).as("kept").hasSize(1);
        assertThat(repaired.get("each").get("attempts")).hasSize(2);
        assertThat(repaired.get("list").get("attempts")).as("not rerun").hasSize(1);
        assertThat(repaired.get("after").get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(repaired.keySet().stream().filter(id -> id.startsWith("each[")))
                .as("the items were not evaluated again")
                .hasSize(3);
    }

    @Test
    void aBodyOfSeveralTasksRunsAsASmallDagPerItemAndARepairRerunsWhatFailedInIt() throws Exception {
        Files.createDirectories(app.workDir.resolve("data"));
        Files.writeString(app.workDir.resolve("data/fe-body-x"), "ok");
        String runId = trigger("fe_body");
        JsonNode failed = awaitEnd(runId);

        Map<String, JsonNode> tasks = tasks(failed);
        assertThat(failed.get("state").asText()).isEqualTo("FAILED");
        assertThat(new ArrayList<>(tasks.keySet()))
                .containsExactly("after", "each", "each[0].extract", "each[0].load", "each[1].extract", "each[1].load");
        assertThat(tasks.get("each[0].load").get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(tasks.get("each[1].extract").get("state").asText()).isEqualTo("FAILED");
        assertThat(tasks.get("each[1].load").get("state").asText()).isEqualTo("UPSTREAM_FAILED");
        assertThat(tasks.get("each[1].load").get("for_each").asText()).isEqualTo("each");
        assertThat(tasks.get("each").get("error").asText())
                .isEqualTo("2 of 4 iteration tasks did not succeed: each[1].extract FAILED, each[1].load"
                        + " UPSTREAM_FAILED");

        Files.writeString(app.workDir.resolve("data/fe-body-y"), "fixed");
        api.post("/runs/" + runId + "/repair", Map.of(), 202);
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> api.get("/runs/" + runId).get("state").asText().equals("SUCCEEDED"));

        Map<String, JsonNode> repaired = tasks(api.get("/runs/" + runId));
        assertThat(repaired.get("each[1].extract").get("attempts")).hasSize(2);
        assertThat(repaired.get("each[1].load").get("attempts")).hasSize(1);
        assertThat(repaired.get("each[0].extract").get("attempts")).as("kept").hasSize(1);
        assertThat(repaired.get("each[0].load").get("attempts")).as("kept").hasSize(1);
        assertThat(rows(app.workDir.resolve("data/out/fe_body/" + runId + "/y"))
                        .get(0)
                        .get("item")
                        .asText())
                .isEqualTo("y");
    }

    @Test
    void cancellingTheRunCancelsTheRunningIterationAndThoseWaitingTheirTurn() {
        String runId = trigger("fe_cancel");
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    JsonNode first = tasks(api.get("/runs/" + runId)).get("each[0]");
                    return first != null && first.get("state").asText().equals("RUNNING");
                });

        api.post("/runs/" + runId + "/cancel");

        JsonNode run = awaitEnd(runId);
        assertThat(run.get("state").asText()).isEqualTo("CANCELLED");
        Map<String, JsonNode> tasks = tasks(run);
        assertThat(tasks.get("each").get("state").asText()).isEqualTo("CANCELLED");
        for (String id : List.of("each[0]", "each[1]", "each[2]")) {
            assertThat(tasks.get(id).get("state").asText()).as(id).isEqualTo("CANCELLED");
        }
        assertThat(tasks.get("each[1]").get("attempts"))
                .as("never started: concurrency 1")
                .isEmpty();
    }

    @Test
    void objectItemsAreReadByFieldAndATableNameThroughIdentifier() throws Exception {
        String runId = trigger("fe_objects");
        JsonNode run = awaitEnd(runId);

        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(tasks(run).get("each[1]").get("item").get("name").asText()).isEqualTo("bob");
        JsonNode bob = rows(app.workDir.resolve("data/out/fe_objects/" + runId + "/bob"))
                .get(0);
        assertThat(bob.get("name").asText()).isEqualTo("bob");
        assertThat(bob.get("tens").asLong()).isEqualTo(20);
        assertThat(tasks(run).get("tables[0]").get("values").get("n").asLong()).isPositive();
    }

    @Test
    void itemsThatAreNotAListOrTooManyFailTheForEachNamingWhatTheyAre() {
        JsonNode notList = awaitEnd(trigger("fe_not_list"));
        assertThat(notList.get("state").asText()).isEqualTo("FAILED");
        assertThat(tasks(notList).get("each").get("error").asText())
                .isEqualTo("for_each.items: {{ tasks.list.values.names }} must evaluate to a list, but it is a"
                        + " string (alpha,beta)");

        JsonNode tooMany = awaitEnd(trigger("fe_too_many"));
        assertThat(tooMany.get("state").asText()).isEqualTo("FAILED");
        assertThat(tasks(tooMany).get("each").get("error").asText())
                .isEqualTo("for_each.items: {{ tasks.list.values.ids }} has 1001 items, more than the 1000"
                        + " iterations a for_each may have (forEachMaxIterations in config.yml)");
        assertThat(tasks(tooMany).keySet()).noneMatch(id -> id.startsWith("each["));
    }

    @Test
    void noItemsSucceedsAtOnce() {
        JsonNode run = awaitEnd(trigger("fe_empty"));
        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(tasks(run).keySet()).containsExactly("after", "each");
    }

    @Test
    void badForEachesAreRefusedAtLoadWithFileLineAndField() {
        String errors = api.get("/pipelines").get("load_errors").toString();

        assertThat(errors)
                .contains("fe_bad.yml:6:14: for_each.items: expected a list, \\\"{{ tasks.<id>.values.<name> }}\\\" or"
                        + " \\\"{{ params.<name> }}\\\", got 'a,b' (a list is not text)")
                .contains("fe_bad.yml:11:20: concurrency: must be at least 1, got 0")
                .contains("fe_bad.yml:12:42: unknown key 'depends_on' in task of the for_each of task 'b'")
                .contains("fe_bad.yml:12:19: {{ item }} is not allowed in SQL: use the parameter marker :item")
                .contains("fe_bad.yml:15:34: template variable 'item' is known only in the task of a for_each")
                .contains("fe_bad.yml:19:14: unknown key 'run_pipeline' in task of the for_each of task 'd'")
                .contains("fe_bad.yml:19:13: for_each.task: give what each iteration runs: one of sql, sql_file,"
                        + " class, submit, python")
                .contains("fe_bad.yml:24:16: for_each.tasks: the tasks form a cycle: p -> q -> p")
                .contains("fe_bad.yml:29:51: depends_on: no task 'nope' in this for_each's tasks");
    }
}
