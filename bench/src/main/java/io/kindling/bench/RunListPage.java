package io.kindling.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.support.DaemonProcess;
import io.kindling.scheduler.support.SyntheticHistory;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Figure 7: the run-list API over a SQLite history of many finished runs (the dashboard benchmark test's synthetic
 * history), on a daemon of its own: pages of 50 for each filter the dashboard offers, first pages and pages half-way
 * down, timed at the client.
 */
final class RunListPage {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunListPage() {}

    static List<Metric> measure(Path dir, int runs, int requests) throws Exception {
        String url = EngineHarness.sqliteUrl(dir, "history");
        DatabaseConfig config = new DatabaseConfig();
        config.setUrl(url);
        Database database = Database.open(config);
        String middle;
        long loadStart = System.nanoTime();
        try {
            middle = SyntheticHistory.load(database.jdbi(), runs, T0);
        } finally {
            database.stop();
        }
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        Pages pages = pages(dir, url, runs, middle, requests);
        Stats s = pages.all();
        String how = String.format(
                "%,d runs in SQLite (loaded in %.0f s), pages of 50, %d requests over %d filters; "
                        + "slowest filter: %s (p95 %s ms)",
                runs, loadSeconds, s.count(), pages.filters(), pages.worst(), Metric.number(pages.worstP95()));
        return List.of(
                Metric.of("7 run-list API page p50", s.median(), "ms", how),
                Metric.below("7 run-list API page p95", s.percentile(95), "ms", 50, how));
    }

    /** Every page's time; the filter whose p95 was the slowest, and that p95. */
    record Pages(Stats all, int filters, String worst, double worstP95) {}

    /**
     * Starts a daemon (its files in {@code dir}) on the SQLite history at {@code url}, which holds the synthetic
     * history of {@code runs} runs ({@code middle} the id of run {@code runs / 2}), and times about
     * {@code requests} pages of 50 over every filter, after 5 warm-up rounds.
     */
    static Pages pages(Path dir, String url, int runs, String middle, int requests) throws Exception {
        long days = Math.max(2, runs / 1440 / 2);
        Map<String, String> queries = SyntheticHistory.pageQueries(middle, T0.plus(Duration.ofDays(days)));

        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        int[] ports = DaemonProcess.freePorts(2);
        Path yml = Daemon.writeConfig(dir, url, pipelines, "noop", "  noop:\n    type: noop", ports[0], ports[1]);
        List<Double> all = new ArrayList<>();
        String worst = "";
        double worstP95 = 0;
        try (Daemon daemon = Daemon.start(yml, ports[0], dir.resolve("daemon.log"))) {
            int each = Math.max(5, requests / queries.size());
            for (int round = 0; round < 5; round++) { // the JIT and SQLite's page cache warm up on every filter
                for (String q : queries.values()) {
                    page(daemon, q);
                }
            }
            for (Map.Entry<String, String> q : queries.entrySet()) {
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    long start = System.nanoTime();
                    page(daemon, q.getValue());
                    millis.add((System.nanoTime() - start) / 1e6);
                }
                double p95 = new Stats(millis).percentile(95);
                if (p95 > worstP95) {
                    worstP95 = p95;
                    worst = q.getKey();
                }
                all.addAll(millis);
            }
        }
        return new Pages(new Stats(all), queries.size(), worst, worstP95);
    }

    private static void page(Daemon daemon, String query) throws Exception {
        HttpResponse<String> response = daemon.get("/runs?" + query);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /runs?" + query + " answered " + response.statusCode());
        }
        JsonNode runs = JSON.readTree(response.body()).get("runs");
        if (runs == null || runs.size() == 0) {
            throw new IllegalStateException("GET /runs?" + query + " found no runs");
        }
    }
}
