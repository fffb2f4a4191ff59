package io.kindling.scheduler.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.SyntheticHistory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The run history API on a SQLite file holding a million runs: each filter the dashboard offers answers its
 * first page and a page deep in the history by index range scans. Times are measured and written to
 * target/benchmarks/run-history.txt (a figure to read, not asserted: the build machine is shared); the pages
 * themselves are checked.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RunHistoryBenchmarkTest {
    private static final int RUNS = 1_000_000;
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/dashboard");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String middleRunId;

    /** A million finished runs (see {@link SyntheticHistory}), written straight into the running daemon's database. */
    @BeforeAll
    static void loadAMillionRuns() {
        Database database = Database.open(EXTENSION.getConfiguration().getDatabase());
        try {
            middleRunId = SyntheticHistory.load(database.jdbi(), RUNS, T0);
        } finally {
            database.stop();
        }
    }

    private static JsonNode page(String query) throws IOException, InterruptedException {
        return get("/runs?" + query);
    }

    private static JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(APP.api(path)))
                        .header("Authorization", "Bearer " + KindlingApp.ADMIN_TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** Median and worst of 20 requests after 3 to warm up, in milliseconds. */
    private static double[] time(String query) throws IOException, InterruptedException {
        return timeGet("/runs?" + query);
    }

    private static double[] timeGet(String path) throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            get(path);
        }
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            get(path);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(millis);
        return new double[] {millis.get(millis.size() / 2), millis.get(millis.size() - 1)};
    }

    @Test
    void everyFilterPagesThroughAMillionRunsByIndex() throws Exception {
        Map<String, String> queries = SyntheticHistory.pageQueries(middleRunId, T0.plus(Duration.ofDays(300)));

        String db =
                EXTENSION.getConfiguration().getDatabase().getUrl().startsWith("jdbc:sqlite") ? "SQLite" : "PostgreSQL";
        StringBuilder report = new StringBuilder("run history API, " + RUNS + " runs in " + db + ", 50 runs a page: "
                + "median / worst of 20 requests (ms)\n");
        for (Map.Entry<String, String> q : queries.entrySet()) {
            JsonNode runs = page(q.getValue()).get("runs");
            assertThat(runs).as(q.getKey()).hasSize(50);
            List<String> ids = new ArrayList<>();
            runs.forEach(r -> ids.add(r.get("run_id").asText()));
            assertThat(ids).as(q.getKey()).isSortedAccordingTo(Collections.reverseOrder());
            if (q.getValue().contains("before=" + middleRunId)) {
                assertThat(ids).allSatisfy(id -> assertThat(id).isLessThan(middleRunId));
            }
            double[] t = time(q.getValue());
            report.append(String.format("%-26s %7.1f / %7.1f%n", q.getKey(), t[0], t[1]));
        }
        JsonNode day =
                page(queries.get("one day").replace("limit=50", "limit=500")).get("runs");
        assertThat(day)
                .hasSize(500)
                .allSatisfy(r -> assertThat(Instant.parse(r.get("created_at").asText()))
                        .isBetween(
                                T0.plus(Duration.ofDays(300)),
                                T0.plus(Duration.ofDays(301)).minusMillis(1)));
        assertThat(day.get(0).get("created_at").asText())
                .isEqualTo(T0.plus(Duration.ofDays(301)).minusSeconds(60).toString());
        assertThat(page("pipeline=events&state=FAILED&limit=5").get("runs"))
                .allSatisfy(r -> assertThat(r.get("state").asText()).isEqualTo("FAILED"));

        // the pipelines list with each pipeline's last 20 runs (the dashboard's grid), one query for all
        JsonNode nightly = get("/pipelines").get("pipelines").get(0);
        assertThat(nightly.get("id").asText()).isEqualTo("nightly");
        List<String> recent = new ArrayList<>();
        nightly.get("recent_runs").forEach(r -> recent.add(r.get("run_id").asText()));
        assertThat(recent).hasSize(20).isSortedAccordingTo(Collections.reverseOrder());
        assertThat(recent.get(0))
                .isEqualTo(nightly.get("last_run").get("run_id").asText());
        double[] list = timeGet("/pipelines");
        report.append(String.format("%-26s %7.1f / %7.1f%n", "GET /pipelines", list[0], list[1]));

        Path out = Path.of("target/benchmarks/run-history.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
    }
}
