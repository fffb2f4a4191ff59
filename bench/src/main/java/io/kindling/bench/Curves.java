package io.kindling.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.db.Database;
import io.kindling.scheduler.support.SyntheticHistory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code bin/kindling bench --curves}: how Kindling's costs grow, a curve per dimension, each point measured by the
 * figure that measures it at one size (parameterised, not copied): pipelines loaded (figure 3's cron punctuality,
 * and the heap that holds them), DAG size (figure 2's wide DAG), history size (figure 7's run-list page, and the
 * database's size) and daemons on PostgreSQL (figure 4's durable run starts). Writes {@code DIR/curves/results.json}
 * (the figures' shape: {@code metrics}, {@code machine}, plus {@code system} and the {@code curves}) and one PNG
 * chart per curve beside it.
 */
final class Curves {
    /** The database of the curves on the PostgreSQL server, apart from the tests' own. */
    static final String POSTGRES_DATABASE = "bench_curves";

    static final List<String> NAMES = List.of("pipelines", "dag", "history", "daemons");

    private Curves() {}

    /** The points of each curve. */
    record Sizes(
            List<Integer> pipelines,
            CronShape cron,
            List<Integer> dagTasks,
            List<Integer> historyRuns,
            int pageRequests,
            List<Integer> daemons,
            int starts) {
        static Sizes full() {
            return new Sizes(
                    List.of(100, 1_000, 3_000, 10_000),
                    new CronShape(Duration.ofSeconds(30), 2),
                    List.of(10, 100, 1_000, 10_000),
                    List.of(10_000, 100_000, 1_000_000, 10_000_000),
                    270,
                    List.of(1, 2, 3),
                    3_000);
        }

        /** Only the curves named (pipelines, dag, history, daemons): the others have no sizes and are not run. */
        Sizes only(List<String> curves) {
            for (String c : curves) {
                if (!NAMES.contains(c)) {
                    throw new IllegalArgumentException("no curve '" + c + "'; curves are " + NAMES);
                }
            }
            return new Sizes(
                    curves.contains("pipelines") ? pipelines : List.of(),
                    cron,
                    curves.contains("dag") ? dagTasks : List.of(),
                    curves.contains("history") ? historyRuns : List.of(),
                    pageRequests,
                    curves.contains("daemons") ? daemons : List.of(),
                    starts);
        }

        /** Two points a curve, as small as they go: for the test, which proves the harness, not the figures. */
        static Sizes small() {
            return new Sizes(
                    List.of(5, 10),
                    new CronShape(Duration.ofSeconds(1), 1),
                    List.of(10, 20),
                    List.of(5_000, 6_000), // the filter of one day looks at the third day: 4,320 runs
                    18,
                    List.of(1, 2),
                    200);
        }
    }

    /** The schedule of the pipelines-loaded curve: its period, and how many periods of fires are measured. */
    record CronShape(Duration period, int rounds) {}

    static List<Metric> run(BenchMain.Options o, Sizes sizes, PrintStream out) throws IOException {
        Path folder = Files.createDirectories(o.out().resolve("curves"));
        Path work = Files.createTempDirectory("kindling-bench-curves-");
        RunFacts facts = RunFacts.now(o.examples().getParent());
        long t0 = System.nanoTime();
        out.println("kindling bench --curves: " + facts.line() + "; work folder " + work);
        List<Metric> metrics = new ArrayList<>();
        List<CurveChart> curves = new ArrayList<>();
        if (!sizes.pipelines().isEmpty()) {
            curves.add(pipelines(sizes, Files.createDirectories(work.resolve("pipelines")), metrics, out));
        }
        if (!sizes.dagTasks().isEmpty()) {
            curves.add(dag(sizes, Files.createDirectories(work.resolve("dag")), metrics, out));
        }
        if (!sizes.historyRuns().isEmpty()) {
            curves.add(history(sizes, Files.createDirectories(work.resolve("history")), metrics, out));
        }
        if (!sizes.daemons().isEmpty()) {
            curves.add(daemons(o, sizes, Files.createDirectories(work.resolve("daemons")), metrics, out));
        }
        out.println();
        for (CurveChart c : curves) {
            Path png = c.draw(folder);
            out.println("### " + c.title() + " ([chart](" + png.getFileName() + "))");
            out.println();
            out.print(c.table());
            out.println();
            out.println(c.how());
            out.println();
        }
        out.printf(Locale.ROOT, "total %.1f min%n", (System.nanoTime() - t0) / 60e9);
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("system", Metric.KINDLING);
        results.put("metrics", metrics);
        results.put("runs", 1);
        results.put("machine", facts.withLoadNow());
        results.put("curves", curves);
        Path json = folder.resolve("results.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), results);
        out.println("written to " + json.toAbsolutePath() + " and the charts beside it");
        return metrics;
    }

    /** Measures one point: its values, in the order of the curve's measures. */
    @FunctionalInterface
    private interface Point {
        double[] measure(int size, Path dir) throws Exception;
    }

    /** A measure of a curve, its values still to come; drawn on a linear scale from 0. */
    private static CurveChart.Measure measure(String name, String unit) {
        return new CurveChart.Measure(name, unit, false, List.of());
    }

    /** A measure that grows with the size, drawn on a logarithmic scale. */
    private static CurveChart.Measure growing(String name, String unit) {
        return new CurveChart.Measure(name, unit, true, List.of());
    }

    /**
     * The curve {@code shape} (its sizes and measures, no values yet) with each size measured by {@code point} in a
     * folder of its own, each value a metric (a failed point a metric saying why, its values null), printed as it
     * comes.
     */
    private static CurveChart measured(CurveChart shape, Path dir, Point point, List<Metric> metrics, PrintStream out) {
        out.println(shape.title() + "...");
        List<List<Double>> values = new ArrayList<>();
        shape.measures().forEach(m -> values.add(new ArrayList<>()));
        for (int size : shape.sizes()) {
            String at = String.format(Locale.ROOT, "curve %s %,d", shape.id(), size);
            long start = System.nanoTime();
            double[] got = null;
            try {
                got = point.measure(size, Files.createDirectories(dir.resolve(Integer.toString(size))));
            } catch (Exception e) {
                e.printStackTrace();
                metrics.add(new Metric(at + " failed", null, "", null, null, "error: " + e));
                out.println("  " + at + ": error: " + e);
            }
            for (int m = 0; m < shape.measures().size(); m++) {
                CurveChart.Measure measure = shape.measures().get(m);
                Double v = got == null ? null : got[m];
                values.get(m).add(v);
                if (v != null) {
                    metrics.add(Metric.of(at + ": " + measure.name(), v, measure.unit(), "a point of the curve"));
                }
            }
            out.printf(
                    Locale.ROOT,
                    "  %s: %s (%.0f s)%n",
                    at,
                    got == null ? "-" : Arrays.toString(got),
                    (System.nanoTime() - start) / 1e9);
        }
        return shape.withValues(values);
    }

    private static CurveChart pipelines(Sizes sizes, Path dir, List<Metric> metrics, PrintStream out) {
        CronShape cron = sizes.cron();
        String every = new CronPunctuality.Load(1, 1, cron.period()).every();
        CurveChart shape = new CurveChart(
                "pipelines",
                "Pipelines loaded: cron punctuality and memory",
                "pipelines",
                true,
                sizes.pipelines(),
                List.of(measure("cron lateness to run committed p99", "ms"), measure("heap in use", "MiB")),
                "Figure 3's measurement (`CronPunctuality`) with N one-task no-op pipelines on one cron " + every
                        + " (one shared Quartz trigger, Quartz's JDBC job store and the history on SQLite): the "
                        + "lateness of each pipeline's run committed after its scheduled time, p99 over "
                        + cron.rounds() + " fires of every pipeline after a warm-up fire; heap in use after a full "
                        + "GC in the bench's JVM (the run engine, Quartz, the ticker and the N parsed pipelines, as "
                        + "the daemon holds them) once the fires are done.");
        return measured(
                shape,
                dir,
                (n, d) -> {
                    CronPunctuality.Load load = new CronPunctuality.Load(n, cron.rounds(), cron.period());
                    CronPunctuality.Fires fires = CronPunctuality.fire(d, load, EngineHarness.sqliteUrl(d, "cron"));
                    if (fires.measured().size() < n * cron.rounds()) {
                        throw new IllegalStateException(
                                "only " + fires.measured().size() + " of " + n * cron.rounds()
                                        + " fires were committed in time");
                    }
                    return new double[] {fires.committed().percentile(99), fires.heapMiB()};
                },
                metrics,
                out);
    }

    private static CurveChart dag(Sizes sizes, Path dir, List<Metric> metrics, PrintStream out) {
        CurveChart shape = new CurveChart(
                "dag",
                "DAG size: end to end and per-task overhead",
                "tasks in the DAG",
                true,
                sizes.dagTasks(),
                List.of(growing("end to end", "ms"), growing("per task", "ms")),
                "Figure 2's measurement (`EngineFigures.wideDagSeconds`): N - 1 independent no-op tasks and a join "
                        + "on all of them, 8 slots, SQLite; the trigger to the run's end, median of 3 runs (1 run "
                        + "at 10,000 tasks) after a warm-up run; per task = end to end / N.");
        return measured(
                shape,
                dir,
                (n, d) -> {
                    Stats s = EngineFigures.wideDagSeconds(d, n - 1, n >= 10_000 ? 1 : 3);
                    return new double[] {s.median() * 1000, s.median() * 1000 / n};
                },
                metrics,
                out);
    }

    private static CurveChart history(Sizes sizes, Path dir, List<Metric> metrics, PrintStream out) throws IOException {
        CurveChart shape = new CurveChart(
                "history",
                "History size: run-list page and database size",
                "runs in the history",
                true,
                sizes.historyRuns(),
                List.of(measure("run-list page p95", "ms"), growing("database size", "MiB")),
                "Figure 7's measurement (`RunListPage.pages`): a daemon on a SQLite history of N finished runs "
                        + "(the synthetic history of the dashboard's benchmark test, `SyntheticHistory`: the runs "
                        + "table only, no task rows), pages of 50 over its 9 filters, first pages and half-way "
                        + "down, " + sizes.pageRequests() + " requests after 5 warm-up rounds; p95 at the client. "
                        + "One file grown from point to point (the daemon stopped meanwhile), written in bulk "
                        + "with SQLite's journal off and synchronous off (a synthetic fill, not how the daemon "
                        + "writes); database size = the file's size after the fill.");
        Path file = dir.resolve("history.db");
        String url = "jdbc:sqlite:" + file;
        List<String> loads = new ArrayList<>();
        int[] written = {0};
        try {
            CurveChart curve = measured(
                    shape,
                    dir,
                    (n, d) -> {
                        if (written[0] == 0) {
                            DatabaseConfig config = new DatabaseConfig();
                            config.setUrl(url);
                            Database.open(config).stop(); // the schema, by the daemon's migrations
                        }
                        long start = System.nanoTime();
                        fill(url, written[0], n);
                        written[0] = n;
                        loads.add(String.format(Locale.ROOT, "%,d in %.0f s", n, (System.nanoTime() - start) / 1e9));
                        double mib = Files.size(file) / (1024.0 * 1024.0);
                        RunListPage.Pages pages = RunListPage.pages(d, url, n, runAt(url, n / 2), sizes.pageRequests());
                        return new double[] {pages.all().percentile(95), mib};
                    },
                    metrics,
                    out);
            return curve.withHow(curve.how() + " Filled: " + String.join(", ", loads) + ".");
        } finally {
            // the largest point's history takes gigabytes: it goes once measured
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(dir.resolve("history.db" + suffix));
            }
        }
    }

    /**
     * Grows the synthetic history from {@code from} to {@code to} runs, as fast as SQLite goes: one connection,
     * no rollback journal, no syncs, a large page cache, batches of 20,000 rows a transaction. The file is the
     * daemon's again afterwards (WAL).
     */
    private static void fill(String url, int from, int to) throws SQLException {
        Properties props = new Properties();
        props.setProperty("journal_mode", "OFF");
        props.setProperty("synchronous", "OFF");
        props.setProperty("cache_size", "-1048576"); // 1 GiB
        try (Connection c = DriverManager.getConnection(url, props)) {
            SyntheticHistory.append(Jdbi.create(c), from, to, RunListPage.T0);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
            }
        }
    }

    /** The id of run {@code index} of the synthetic history (one run a minute from its start). */
    private static String runAt(String url, int index) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement q = c.prepareStatement("SELECT run_id FROM runs WHERE created_at = ?")) {
            q.setLong(1, RunListPage.T0.plusSeconds(60L * index).toEpochMilli());
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no run " + index + " in the synthetic history");
                }
                return rs.getString(1);
            }
        }
    }

    private static CurveChart daemons(
            BenchMain.Options o, Sizes sizes, Path dir, List<Metric> metrics, PrintStream out) {
        CurveChart shape = new CurveChart(
                "daemons",
                "Daemons on PostgreSQL: durable run starts",
                "daemons",
                false,
                sizes.daemons(),
                List.of(measure("durable run starts", "runs/s")),
                "Figure 4's measurement (`EngineFigures.runStartsPerSecond`) with N daemons' run engines on one "
                        + "PostgreSQL database (a fresh schema a point, in the database `" + POSTGRES_DATABASE
                        + "`), in the bench's JVM, each with its own connection pool and owner as a daemon has: "
                        + sizes.starts() + " runs of one-task no-op pipelines, each daemon triggering its share of "
                        + "its own pipeline from a thread of its own, all at once, until every run is committed "
                        + "RUNNING; runs/s of them all. PostgreSQL runs on the same machine.");
        String server;
        try {
            server = database(o.postgresUrl());
        } catch (SQLException | RuntimeException e) {
            String why = "no PostgreSQL at " + o.postgresUrl() + " (" + e.getMessage() + ")";
            metrics.add(Metric.skipped("curve daemons: durable run starts", "runs/s", null, why));
            List<Double> none = new ArrayList<>();
            sizes.daemons().forEach(n -> none.add(null));
            return shape.withValues(List.of(none)).withHow("Skipped: " + why + ". " + shape.how());
        }
        return measured(
                shape,
                dir,
                (n, d) -> {
                    String schemaUrl = BenchMain.newSchema(server);
                    try {
                        return new double[] {EngineFigures.runStartsPerSecond(schemaUrl, d, sizes.starts(), n)};
                    } finally {
                        BenchMain.dropSchema(schemaUrl);
                    }
                },
                metrics,
                out);
    }

    /** The URL of {@link #POSTGRES_DATABASE} on the server of {@code url}, created when it is not there. */
    static String database(String url) throws SQLException {
        if (url == null || url.isEmpty()) {
            throw new IllegalStateException("no PostgreSQL: set " + BenchMain.POSTGRES_ENV + " or pass --postgres-url");
        }
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, POSTGRES_DATABASE);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    c.createStatement().execute("CREATE DATABASE " + POSTGRES_DATABASE);
                }
            }
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another bench run
                throw e;
            }
        }
        return url.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + POSTGRES_DATABASE);
    }
}
