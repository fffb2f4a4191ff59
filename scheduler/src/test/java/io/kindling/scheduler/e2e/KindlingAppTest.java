package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.KindlingApp;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real daemon, end to end through HTTP: real Spark, a real SQLite file. */
@ExtendWith(DropwizardExtensionsSupport.class)
class KindlingAppTest {
    private static final KindlingApp APP = KindlingApp.create(true, "pipelines/api");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;

    private JsonNode get(String path) {
        return EXTENSION
                .client()
                .target(APP.api(path))
                .request(MediaType.APPLICATION_JSON)
                .get(JsonNode.class);
    }

    private String trigger(String pipeline, Map<String, Object> params) {
        Response response = EXTENSION
                .client()
                .target(APP.api("/pipelines/" + pipeline + "/runs"))
                .request(MediaType.APPLICATION_JSON)
                .post(Entity.json(Map.of("params", params)));
        assertThat(response.getStatus()).isEqualTo(201);
        JsonNode run = response.readEntity(JsonNode.class);
        assertThat(response.getLocation().getPath())
                .isEqualTo("/api/v1/runs/" + run.get("run_id").asText());
        assertThat(run.get("trigger").asText()).isEqualTo("manual");
        return run.get("run_id").asText();
    }

    private JsonNode awaitRunEnds(String runId) {
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> List.of("SUCCEEDED", "FAILED", "CANCELLED")
                        .contains(get("/runs/" + runId).get("state").asText()));
        return get("/runs/" + runId);
    }

    private static Map<String, JsonNode> tasksById(JsonNode run) {
        Map<String, JsonNode> tasks = new HashMap<>();
        run.get("tasks").forEach(t -> tasks.put(t.get("task_id").asText(), t));
        return tasks;
    }

    @Test
    void everyAttemptComesWithWhatItDidInSpark() throws IOException {
        JsonNode run = awaitRunEnds(trigger("people", Map.of("min_age", 30)));

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        Map<String, JsonNode> tasks = tasksById(run);
        for (JsonNode task : tasks.values()) {
            JsonNode metrics = task.get("attempts").get(0).get("spark_metrics");
            assertThat(metrics).as(task.get("task_id").asText()).isNotNull();
            assertThat(metrics.get("tasks").get("succeeded").asLong()).isPositive();
            assertThat(metrics.get("tasks").get("failed").asLong()).isZero();
            assertThat(metrics.get("output_bytes").asLong()).isPositive();
        }
        assertThat(tasks.get("by_country")
                        .get("attempts")
                        .get(0)
                        .get("spark_metrics")
                        .get("shuffle_write_bytes")
                        .asLong())
                .isPositive();
        // the summary task's records written are the JSON lines it wrote
        String ds = Instant.parse(run.get("logical_time").asText())
                .atZone(ZoneId.of("Europe/Berlin"))
                .toLocalDate()
                .toString();
        long lines = 0;
        try (Stream<Path> files =
                Files.list(APP.workDir.resolve("data/out/people").resolve(ds).resolve("summary"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .toList()) {
                lines += Files.readAllLines(f).size();
            }
        }
        assertThat(tasks.get("summary")
                        .get("attempts")
                        .get(0)
                        .get("spark_metrics")
                        .get("output_records")
                        .asLong())
                .isEqualTo(lines)
                .isPositive();
    }

    @Test
    void diamondExampleRunsToSuccessWithEveryAttemptRecorded() throws IOException {
        String runId = trigger("people", Map.of("min_age", 30));
        JsonNode run = awaitRunEnds(runId);

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.get("params").get("min_age").asText()).isEqualTo("30");
        Map<String, JsonNode> tasks = tasksById(run);
        assertThat(tasks).containsOnlyKeys("adults", "by_country", "by_age_band", "summary");
        for (JsonNode task : tasks.values()) {
            assertThat(task.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(task.get("attempts")).hasSize(1);
            JsonNode attempt = task.get("attempts").get(0);
            assertThat(attempt.get("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(attempt.get("executor").asText()).isEqualTo("local");
            assertThat(attempt.get("spark_app_id").asText()).startsWith("local-");
            assertThat(attempt.get("started_at").asText()).isNotEmpty();
            assertThat(attempt.get("ended_at").asText()).isNotEmpty();
        }
        // the join waited for both branches
        String summaryStart =
                tasks.get("summary").get("attempts").get(0).get("started_at").asText();
        assertThat(summaryStart)
                .isGreaterThanOrEqualTo(tasks.get("by_country").get("ended_at").asText());
        assertThat(summaryStart)
                .isGreaterThanOrEqualTo(tasks.get("by_age_band").get("ended_at").asText());

        // the rendered params reached Spark: every adult in the output is over 30
        // {{ ds }} is the logical date in the schedule's zone (people.yml: Europe/Berlin), not in UTC
        String ds = Instant.parse(run.get("logical_time").asText())
                .atZone(ZoneId.of("Europe/Berlin"))
                .toLocalDate()
                .toString();
        Path summary = APP.workDir.resolve("data/out/people").resolve(ds).resolve("summary");
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(summary)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"dimension\":\"region\""));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains("\"value\":\"10s\""));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains("\"value\":\"20s\""));

        String log = EXTENSION
                .client()
                .target(APP.api("/runs/" + runId + "/tasks/adults/log"))
                .request()
                .get(String.class);
        assertThat(log)
                .contains("WHERE age > :min_age")
                .contains("parameter markers: ")
                .contains(":min_age=30");

        // a client following the log reads on from where it stopped
        String logUrl = APP.api("/runs/" + runId + "/tasks/adults/log");
        byte[] whole = log.getBytes(StandardCharsets.UTF_8);
        Response all = EXTENSION.client().target(logUrl).request().get();
        assertThat(all.getHeaderString("X-Kindling-Log-Size")).isEqualTo(String.valueOf(whole.length));
        String tail = EXTENSION
                .client()
                .target(logUrl + "?offset=" + (whole.length - 10))
                .request()
                .get(String.class);
        assertThat(tail).isEqualTo(new String(whole, whole.length - 10, 10, StandardCharsets.UTF_8));
        Response past = EXTENSION
                .client()
                .target(logUrl + "?offset=" + (whole.length + 100))
                .request()
                .get();
        assertThat(past.readEntity(String.class)).isEmpty();
        assertThat(past.getHeaderString("X-Kindling-Log-Size")).isEqualTo(String.valueOf(whole.length));
        Response negative =
                EXTENSION.client().target(logUrl + "?offset=-1").request().get();
        assertThat(negative.getStatus()).isEqualTo(400);
        assertThat(negative.readEntity(String.class)).contains("offset must be 0 or more");
    }

    @Test
    void aTaskThatFailsOnceSucceedsOnItsRetry() {
        String runId = trigger("flaky", Map.of());
        JsonNode run = awaitRunEnds(runId);

        assertThat(run.get("state").asText()).isEqualTo("SUCCEEDED");
        JsonNode flaky = tasksById(run).get("flaky");
        assertThat(flaky.get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(flaky.get("attempts")).hasSize(2);
        assertThat(flaky.get("attempts").get(0).get("state").asText()).isEqualTo("FAILED");
        assertThat(flaky.get("attempts").get(0).get("error").asText()).contains("first attempt fails on purpose");
        assertThat(flaky.get("attempts").get(1).get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(tasksById(run).get("after").get("state").asText()).isEqualTo("SUCCEEDED");

        String firstLog = EXTENSION
                .client()
                .target(APP.api("/runs/" + runId + "/tasks/flaky/log?attempt=1"))
                .request()
                .get(String.class);
        assertThat(firstLog).contains("first attempt fails on purpose");
    }

    @Test
    void aTaskOverItsTimeoutIsStoppedAndItsDependentsNeverRun() {
        String runId = trigger("slow", Map.of());
        JsonNode run = awaitRunEnds(runId);

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        Map<String, JsonNode> tasks = tasksById(run);
        assertThat(tasks.get("endless").get("state").asText()).isEqualTo("TIMED_OUT");
        JsonNode attempt = tasks.get("endless").get("attempts").get(0);
        assertThat(attempt.get("state").asText()).isEqualTo("TIMED_OUT");
        assertThat(attempt.get("error").asText()).contains("timed out after PT3S");
        // stopped within seconds of the limit, not at the end of the query
        assertThat(attempt.get("duration_ms").asLong()).isBetween(3000L, 30_000L);
        assertThat(tasks.get("never").get("state").asText()).isEqualTo("UPSTREAM_FAILED");
        assertThat(tasks.get("never").get("attempts")).isEmpty();
    }

    @Test
    void cancelStopsTheRunningQueryWithinSecondsAndSkipsWhatHasNotStarted() {
        String runId = trigger("long", Map.of());
        await().atMost(Duration.ofMinutes(1))
                .until(() -> tasksById(get("/runs/" + runId))
                        .get("endless")
                        .get("state")
                        .asText()
                        .equals("RUNNING"));

        long asked = System.nanoTime();
        Response response = EXTENSION
                .client()
                .target(APP.api("/runs/" + runId + "/cancel"))
                .request()
                .post(Entity.json(Map.of()));
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.readEntity(JsonNode.class).get("run_id").asText()).isEqualTo(runId);
        JsonNode run = awaitRunEnds(runId);
        long tookMillis = (System.nanoTime() - asked) / 1_000_000;

        assertThat(run.get("state").asText()).isEqualTo("CANCELLED");
        // the query would run for minutes: ending well before that is the cancel's doing (the figure itself is
        // about 0.5 s on an idle machine; the bound leaves room for a loaded one)
        assertThat(tookMillis).as("cancel took %d ms", tookMillis).isLessThan(30_000);
        Map<String, JsonNode> tasks = tasksById(run);
        assertThat(tasks.get("endless").get("state").asText()).isEqualTo("CANCELLED");
        assertThat(tasks.get("endless").get("attempts").get(0).get("state").asText())
                .isEqualTo("CANCELLED");
        assertThat(tasks.get("after").get("state").asText()).isEqualTo("CANCELLED"); // so a repair runs it

        // idempotent: a second cancel changes nothing
        JsonNode again = EXTENSION
                .client()
                .target(APP.api("/runs/" + runId + "/cancel"))
                .request()
                .post(Entity.json(Map.of()), JsonNode.class);
        assertThat(again.get("state").asText()).isEqualTo("CANCELLED");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/runs/nope/cancel"))
                        .request()
                        .post(Entity.json(Map.of())),
                404,
                "run 'nope' not found");

        // the slot and Spark's cores are free again: a quick run goes through
        assertThat(awaitRunEnds(trigger("flaky", Map.of())).get("state").asText())
                .isEqualTo("SUCCEEDED");
    }

    @Test
    void aFailedTaskFailsItsDownstreamButNotItsSiblings() {
        String runId = trigger("broken_sql", Map.of());
        JsonNode run = awaitRunEnds(runId);

        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(run.get("error").asText()).contains("bad FAILED");
        Map<String, JsonNode> tasks = tasksById(run);
        assertThat(tasks.get("first").get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(tasks.get("side").get("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(tasks.get("bad").get("state").asText()).isEqualTo("FAILED");
        assertThat(tasks.get("bad").get("error").asText()).containsIgnoringCase("no_such_column");
        assertThat(tasks.get("last").get("state").asText()).isEqualTo("UPSTREAM_FAILED");
    }

    @Test
    void pipelinesListShowsLoadedPipelinesAndFilesThatFailedToLoad() {
        JsonNode list = get("/pipelines");
        List<String> ids = new ArrayList<>();
        list.get("pipelines").forEach(p -> ids.add(p.get("id").asText()));
        assertThat(ids).containsExactly("broken_sql", "flaky", "long", "people", "slow");

        JsonNode people = list.get("pipelines").get(3);
        assertThat(people.get("schedule").get("cron").asText()).isEqualTo("0 6 * * *");
        assertThat(people.get("schedule").get("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(people.get("next_fire_time").asText()).isNotEmpty();
        assertThat(people.get("version").asText()).hasSize(64);

        assertThat(list.get("load_errors")).hasSize(1);
        JsonNode error = list.get("load_errors").get(0);
        assertThat(error.get("file").asText()).endsWith("not_a_pipeline.yml");
        assertThat(error.get("problems").get(0).asText()).matches(".*not_a_pipeline\\.yml:\\d+:\\d+: .+");

        JsonNode detail = get("/pipelines/people");
        assertThat(detail.get("detail").get("tasks")).hasSize(4);
        assertThat(detail.get("detail").get("source").asText()).contains("pipeline: people");
        assertThat(detail.get("detail").get("versions")).hasSize(1);
    }

    @Test
    void pipelinesListCarriesEachPipelinesRecentRunsNewestFirst() {
        String older = trigger("broken_sql", Map.of());
        awaitRunEnds(older);
        String newer = trigger("broken_sql", Map.of());
        awaitRunEnds(newer);

        JsonNode brokenSql = null;
        for (JsonNode p : get("/pipelines").get("pipelines")) {
            assertThat(p.get("recent_runs").isArray()).as(p.get("id").asText()).isTrue();
            assertThat(p.get("recent_runs").size()).isLessThanOrEqualTo(20);
            if (p.get("id").asText().equals("broken_sql")) {
                brokenSql = p;
            }
        }
        JsonNode recent = brokenSql.get("recent_runs");
        List<String> ids = new ArrayList<>();
        recent.forEach(r -> ids.add(r.get("run_id").asText()));
        assertThat(ids).contains(older, newer).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(ids.indexOf(newer)).isLessThan(ids.indexOf(older));
        assertThat(brokenSql.get("last_run").get("run_id").asText()).isEqualTo(ids.get(0));
        JsonNode square = recent.get(ids.indexOf(newer));
        JsonNode full = get("/runs/" + newer);
        assertThat(square.get("state").asText()).isEqualTo("FAILED");
        assertThat(square.get("trigger").asText()).isEqualTo("manual");
        for (String field : List.of("logical_time", "created_at", "started_at", "ended_at", "duration_ms")) {
            assertThat(square.get(field)).as(field).isEqualTo(full.get(field));
        }
        // the single pipeline has its runs in full under detail.recent_runs instead
        assertThat(get("/pipelines/broken_sql").has("recent_runs")).isFalse();
    }

    @Test
    void runListIsNewestFirstFilteredAndPaged() {
        String a = trigger("broken_sql", Map.of());
        String b = trigger("broken_sql", Map.of());
        String c = trigger("broken_sql", Map.of());
        awaitRunEnds(a);
        awaitRunEnds(b);
        awaitRunEnds(c);

        JsonNode first = get("/runs?pipeline=broken_sql&limit=2");
        assertThat(first.get("runs")).hasSize(2);
        assertThat(first.get("runs").get(0).get("run_id").asText())
                .isGreaterThan(first.get("runs").get(1).get("run_id").asText());
        String next = first.get("next").asText();
        JsonNode second = get("/runs?pipeline=broken_sql&limit=2&before=" + next);
        assertThat(second.get("runs").get(0).get("run_id").asText()).isLessThan(next);

        JsonNode failed = get("/runs?state=failed&pipeline=broken_sql&limit=500");
        assertThat(failed.get("runs"))
                .allSatisfy(r -> assertThat(r.get("state").asText()).isEqualTo("FAILED"));
        List<String> ids = new ArrayList<>();
        failed.get("runs").forEach(r -> ids.add(r.get("run_id").asText()));
        assertThat(ids).contains(a, b, c);

        // by trigger and by creation time: these three were created between a's creation and now
        JsonNode manual = get("/runs?pipeline=broken_sql&trigger=manual&limit=500");
        assertThat(manual.get("runs"))
                .allSatisfy(r -> assertThat(r.get("trigger").asText()).isEqualTo("manual"));
        assertThat(get("/runs?pipeline=broken_sql&trigger=schedule").get("runs"))
                .isEmpty();
        // a run id records its creation to the millisecond: a second's margin either side of a's created_at
        java.time.Instant aCreated =
                java.time.Instant.parse(get("/runs/" + a).get("created_at").asText());
        JsonNode since = get("/runs?pipeline=broken_sql&limit=500&from=" + aCreated.minusSeconds(1));
        List<String> sinceIds = new ArrayList<>();
        since.get("runs").forEach(r -> sinceIds.add(r.get("run_id").asText()));
        assertThat(sinceIds).contains(a, b, c);
        assertThat(get("/runs?pipeline=broken_sql&to=" + aCreated.minusSeconds(1))
                        .get("runs"))
                .allSatisfy(r -> assertThat(r.get("run_id").asText()).isLessThan(a));
    }

    @Test
    void badRequestsGetJsonErrorsNeverStackTraces() {
        assertError(EXTENSION.client().target(APP.api("/runs/nope")).request().get(), 404, "run 'nope' not found");
        assertError(
                EXTENSION.client().target(APP.api("/runs?limit=abc")).request().get(), 400, "limit must be an integer");
        assertError(
                EXTENSION.client().target(APP.api("/runs?limit=0")).request().get(), 400, "limit must be between");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/runs?state=sleeping"))
                        .request()
                        .get(),
                400,
                "unknown state 'sleeping'");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/runs?trigger=cron"))
                        .request()
                        .get(),
                400,
                "unknown trigger 'cron', expected one of schedule, manual, backfill, upstream, event, files, continuous");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/runs?from=yesterday"))
                        .request()
                        .get(),
                400,
                "from must be an ISO-8601 UTC time");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/runs?to=2026-13-01"))
                        .request()
                        .get(),
                400,
                "to must be an ISO-8601 UTC time");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/pipelines/nope/runs"))
                        .request()
                        .post(Entity.json(Map.of())),
                404,
                "pipeline 'nope' not found");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/pipelines/people/runs"))
                        .request()
                        .post(Entity.entity("{not json", MediaType.APPLICATION_JSON)),
                400,
                "");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/pipelines/people/runs"))
                        .request()
                        .post(Entity.json(Map.of("params", Map.of("min_age", List.of(1))))),
                400,
                "param 'min_age' must be an int, got a list");
        assertError(
                EXTENSION
                        .client()
                        .target(APP.api("/pipelines/people/runs"))
                        .request()
                        .post(Entity.json(Map.of("params", Map.of("min_agee", 3)))),
                400,
                "unknown param 'min_agee': pipeline 'people' declares [min_age]");
        assertError(
                EXTENSION.client().target(APP.api("/no/such/thing")).request().get(), 404, "");
    }

    private static void assertError(Response response, int status, String messagePart) {
        assertThat(response.getStatus()).isEqualTo(status);
        assertThat(response.getMediaType().toString()).startsWith(MediaType.APPLICATION_JSON);
        JsonNode body = response.readEntity(JsonNode.class);
        assertThat(body.get("code").asInt()).isEqualTo(status);
        assertThat(body.get("message").asText())
                .contains(messagePart)
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }
}
