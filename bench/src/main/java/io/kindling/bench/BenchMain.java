package io.kindling.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kindling.bench.peers.PeerWorkloads;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code bin/kindling bench [--quick] [--postgres-url URL] [--out DIR] [--only 1,2,...]}: runs the figures, prints
 * the table and writes {@code DIR/results.json} (default target/bench). Exits 1 when a figure could not be
 * measured; a missed target is a figure like any other. {@code --peers} (PeerBench) and {@code --curves} (Curves)
 * are runs of their own.
 */
public final class BenchMain {
    static final String POSTGRES_ENV = "KINDLING_TEST_POSTGRES_URL";
    /** The tests' default server; the PostgreSQL figure is skipped, saying why, when nothing answers there. */
    static final String DEFAULT_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private BenchMain() {}

    /** What to run and how big. */
    record Options(
            boolean quick,
            String postgresUrl,
            Path out,
            Set<Integer> only,
            Path examples,
            int runs,
            List<String> peers,
            PeerWorkloads.Sizes peerSizes,
            boolean peersWithoutKindling,
            Curves.Sizes curves) {
        Options(boolean quick, String postgresUrl, Path out, Set<Integer> only, Path examples) {
            this(quick, postgresUrl, out, only, examples, 1, List.of(), null, false, null);
        }

        static Options parse(String... args) {
            boolean quick = false;
            int runs = 1;
            String postgres = System.getenv().getOrDefault(POSTGRES_ENV, DEFAULT_POSTGRES);
            Path out = Path.of("target", "bench");
            Set<Integer> only = new LinkedHashSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
            List<String> peers = List.of();
            int cronMinutes = 3;
            int idleSeconds = 60;
            int capSeconds = 150;
            boolean smallest = false;
            boolean small = false;
            String peerOnly = "abcdef";
            boolean withoutKindling = false;
            Curves.Sizes curves = null;
            List<String> curvesOnly = Curves.NAMES;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--peers" -> peers = List.of(value(args, ++i).split(","));
                    case "--peer-cron-minutes" -> cronMinutes = Integer.parseInt(value(args, ++i));
                    case "--peer-idle-seconds" -> idleSeconds = Integer.parseInt(value(args, ++i));
                    case "--peer-cap-seconds" -> capSeconds = Integer.parseInt(value(args, ++i));
                    case "--peer-smallest" -> smallest = true;
                    case "--peer-small" -> small = true;
                    case "--peer-only" -> peerOnly = value(args, ++i);
                    case "--peers-without-kindling" -> withoutKindling = true;
                    case "--curves" -> curves = Curves.Sizes.full();
                    case "--curves-small" -> curves = Curves.Sizes.small();
                    case "--curves-only" ->
                        curvesOnly = List.of(value(args, ++i).split(","));
                    case "--quick" -> quick = true;
                    case "--postgres-url" -> postgres = value(args, ++i);
                    case "--out" -> out = Path.of(value(args, ++i));
                    case "--runs" -> {
                        runs = Integer.parseInt(value(args, ++i));
                        if (runs < 1) {
                            throw new IllegalArgumentException("--runs must be at least 1");
                        }
                    }
                    case "--only" -> {
                        only.clear();
                        for (String n : value(args, ++i).split(",")) {
                            only.add(Integer.parseInt(n.trim()));
                        }
                    }
                    default ->
                        throw new IllegalArgumentException("unknown option '" + args[i]
                                + "'; usage: bench [--quick] [--runs N] [--postgres-url URL] [--out DIR] [--only 1,2,...]"
                                + " | bench --peers airflow,dagster,prefect [--peer-cron-minutes 3]"
                                + " [--peer-idle-seconds 60] [--peer-cap-seconds 150]"
                                + " | bench --curves [--curves-only pipelines,dag,history,daemons] [--postgres-url URL]"
                                + " [--out DIR]");
                }
            }
            for (String p : peers) {
                if (!PeerBench.NAMES.contains(p)) {
                    throw new IllegalArgumentException("unknown peer '" + p + "'; peers are " + PeerBench.NAMES);
                }
            }
            if (curves != null && !peers.isEmpty()) {
                throw new IllegalArgumentException("--curves is a run of its own, without --peers");
            }
            if (cronMinutes < 1 || idleSeconds < 1 || capSeconds < 1) {
                throw new IllegalArgumentException("--peer-* values must be at least 1");
            }
            PeerWorkloads.Sizes sizes = smallest
                    ? PeerWorkloads.Sizes.smallest()
                    : small
                            ? PeerWorkloads.Sizes.small()
                            : PeerWorkloads.Sizes.full(
                                    cronMinutes, Duration.ofSeconds(idleSeconds), Duration.ofSeconds(capSeconds));
            return new Options(
                    quick,
                    postgres,
                    out,
                    only,
                    findExamples(),
                    runs,
                    peers,
                    sizes.only(peerOnly),
                    withoutKindling,
                    curves == null ? null : curves.only(curvesOnly));
        }

        private static String value(String[] args, int i) {
            if (i >= args.length) {
                throw new IllegalArgumentException(args[i - 1] + " needs a value");
            }
            return args[i];
        }

        /** The repository's examples folder: here or in a parent (the smoke test runs in bench/). */
        private static Path findExamples() {
            Path dir = Path.of("").toAbsolutePath();
            while (dir != null) {
                if (Files.isRegularFile(dir.resolve("examples/data/people.json"))) {
                    return dir.resolve("examples");
                }
                dir = dir.getParent();
            }
            throw new IllegalStateException("examples/data/people.json not found here or in a parent folder");
        }

        int size(int full, int quick) {
            return this.quick ? quick : full;
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("kindling bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Metric> metrics = options.curves() != null
                ? Curves.run(options, options.curves(), System.out)
                : options.peers().isEmpty() ? run(options, System.out) : PeerBench.run(options, System.out);
        // with --peers, a peer's cell without a value says why in the table; only Kindling's failing is an error
        System.exit(
                metrics.stream()
                                .filter(m ->
                                        options.peers().isEmpty() || m.system().equals(Metric.KINDLING))
                                .anyMatch(m -> m.value() == null && !m.note().startsWith("skipped"))
                        ? 1
                        : 0);
    }

    /**
     * Runs the figures ({@code --runs N} times, each full set after the other), printing each as it is measured,
     * then the table (of medians, with their spread, for several runs); writes results.json.
     */
    static List<Metric> run(Options o, PrintStream out) throws IOException {
        Files.createDirectories(o.out());
        Path work = Files.createTempDirectory("kindling-bench-");
        RunFacts facts = RunFacts.now(o.examples().getParent());
        out.println("kindling bench" + (o.quick() ? " --quick" : "") + (o.runs() > 1 ? " --runs " + o.runs() : "")
                + ": " + facts.line() + "; work folder " + work);
        List<List<Metric>> runs = new ArrayList<>();
        for (int r = 1; r <= o.runs(); r++) {
            if (o.runs() > 1) {
                out.println("run " + r + " of " + o.runs());
            }
            runs.add(runOnce(o, out, o.runs() > 1 ? Files.createDirectories(work.resolve("run-" + r)) : work));
        }
        List<Metric> metrics = o.runs() == 1 ? runs.get(0) : Medians.of(runs);
        out.println();
        out.print(table(metrics));
        Path json = o.out().resolve("results.json");
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(
                        json.toFile(), Map.of("metrics", metrics, "runs", o.runs(), "machine", facts.withLoadNow()));
        out.println("written to " + json.toAbsolutePath());
        if (runs.stream().flatMap(List::stream).anyMatch(m -> m.name().endsWith(" failed"))) {
            out.println("the work folder is kept, for the figures that failed: " + work);
        } else {
            deleteTree(work); // 80 MiB or more a run (Spark's outputs, the histories), left in /tmp otherwise
        }
        return metrics;
    }

    private static void deleteTree(Path root) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static List<Metric> runOnce(Options o, PrintStream out, Path work) throws IOException {
        List<Metric> metrics = new ArrayList<>();
        for (int figure : o.only()) {
            long start = System.nanoTime();
            out.println("figure " + figure + "...");
            List<Metric> got;
            try {
                got = figure(figure, o, Files.createDirectories(work.resolve("figure-" + figure)));
            } catch (Exception e) {
                e.printStackTrace();
                got = List.of(new Metric(figure + " failed", null, "", null, null, "error: " + e));
            }
            for (Metric m : got) {
                out.println("  " + line(m));
            }
            out.printf(Locale.ROOT, "  (%.0f s)%n", (System.nanoTime() - start) / 1e9);
            metrics.addAll(got);
        }
        return metrics;
    }

    private static List<Metric> figure(int n, Options o, Path dir) throws Exception {
        return switch (n) {
            case 1 -> EngineFigures.taskToTask(dir, o.size(200, 50), o.size(5, 2));
            case 2 -> EngineFigures.wideDag(dir, o.size(1000, 200), o.size(3, 1));
            case 3 -> cronPunctuality(o, dir);
            case 4 -> runStarts(o, dir);
            case 5 -> HistoryWrites.measure(dir, o.size(3000, 300));
            case 6 -> SparkFigures.warmVsSubmit(dir, o.examples(), o.size(1000, 3), o.size(30, 3), o.size(3, 1));
            case 7 -> RunListPage.measure(dir, o.size(1_000_000, 20_000), o.size(270, 45));
            case 8 -> DaemonStart.measure(dir, o.examples(), o.size(3, 1));
            case 9 -> SparkFigures.metricsOverhead(dir, o.examples(), o.size(150, 3), o.size(60, 3));
            case 10 -> {
                List<Metric> both = new ArrayList<>(TriggerFigures.upstreamLatency(dir, o.size(200, 30)));
                both.addAll(TriggerFigures.filesLatency(dir, o.size(50, 10)));
                yield both;
            }
            case 11 -> AlertCheckFigures.checkRound(dir, o.size(1000, 100), o.size(1000, 100));
            case 12 -> EngineFigures.forEach(dir, o.size(1000, 200), o.size(3, 1));
            case 13 -> PythonFigures.warmVsSubmit(dir, o.examples(), o.size(5, 1), o.size(20, 2), o.size(3, 1));
            case 14 -> SparkFigures.overBareSession(dir, o.examples(), o.size(150, 3), o.size(60, 3));
            default -> throw new IllegalArgumentException("no figure " + n + "; figures are 1 to 14");
        };
    }

    private static List<Metric> cronPunctuality(Options o, Path dir) throws Exception {
        List<Metric> metrics = new ArrayList<>(
                CronPunctuality.measure(dir, o.quick(), EngineHarness.sqliteUrl(dir, "cron"), "SQLite"));
        String url = postgresSchema(o, "3 cron lateness to run committed p99, PostgreSQL", "ms", "< 100", metrics);
        if (url != null) {
            try {
                metrics.addAll(CronPunctuality.measure(dir, o.quick(), url, "PostgreSQL"));
            } finally {
                dropSchema(url);
            }
            // the raised target: 10,000 pipelines on PostgreSQL, in a fresh schema of its own
            String large = newSchema(o.postgresUrl());
            try {
                metrics.addAll(CronPunctuality.measureLarge(dir, o.quick(), large, "PostgreSQL"));
            } finally {
                dropSchema(large);
            }
        }
        return metrics;
    }

    private static List<Metric> runStarts(Options o, Path dir) throws Exception {
        int runs = o.size(3000, 300);
        List<Metric> metrics = new ArrayList<>();
        double sqlite = EngineFigures.runStartsPerSecond(EngineHarness.sqliteUrl(dir, "starts"), dir, runs);
        metrics.add(Metric.atLeast(
                "4 durable run starts, SQLite",
                sqlite,
                "runs/s",
                500,
                runs + " runs triggered one after another, until each is committed RUNNING"));
        String url = postgresSchema(o, "4 durable run starts, PostgreSQL", "runs/s", ">= 1000", metrics);
        if (url == null) {
            return metrics;
        }
        double pg;
        try {
            pg = EngineFigures.runStartsPerSecond(url, dir, runs);
        } finally {
            dropSchema(url);
        }
        metrics.add(Metric.atLeast(
                "4 durable run starts, PostgreSQL", pg, "runs/s", 1000, runs + " runs, as above, in a fresh schema"));
        return metrics;
    }

    /**
     * The URL of a fresh schema on the PostgreSQL server; null, with a skipped figure added to {@code metrics},
     * when there is no server.
     */
    private static String postgresSchema(Options o, String figure, String unit, String target, List<Metric> metrics) {
        if (o.postgresUrl() == null || o.postgresUrl().isEmpty()) {
            metrics.add(Metric.skipped(
                    figure, unit, target, "no PostgreSQL: set " + POSTGRES_ENV + " or pass --postgres-url"));
            return null;
        }
        try {
            return newSchema(o.postgresUrl());
        } catch (SQLException e) {
            metrics.add(Metric.skipped(
                    figure, unit, target, "no PostgreSQL at " + o.postgresUrl() + " (" + e.getMessage() + ")"));
            return null;
        }
    }

    /** A fresh schema on the PostgreSQL server, so every run starts from an empty history. */
    static String newSchema(String url) throws SQLException {
        String schema = "kindling_bench_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Drops a schema {@link #newSchema} made, with all it holds: a figure's history is not kept. */
    static void dropSchema(String schemaUrl) throws SQLException {
        String schema = schemaUrl.substring(schemaUrl.lastIndexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(schemaUrl)) {
            c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static String line(Metric m) {
        return String.format(
                Locale.ROOT,
                "%-44s %12s %-7s %-8s %s",
                m.name(),
                m.value() == null ? "-" : Metric.number(m.value()),
                m.unit(),
                m.target() == null ? "" : m.target(),
                m.meets() == null ? "" : m.meets() ? "yes" : "NO");
    }

    /** A Markdown table: what the console shows, bench/README.md and the notes quote. */
    static String table(List<Metric> metrics) {
        StringBuilder t =
                new StringBuilder("| figure | value | unit | target | meets | how |\n|---|---:|---|---|---|---|\n");
        for (Metric m : metrics) {
            t.append("| ")
                    .append(m.name())
                    .append(" | ")
                    .append(m.value() == null ? "-" : Metric.number(m.value()))
                    .append(" | ")
                    .append(m.unit())
                    .append(" | ")
                    .append(m.target() == null ? "" : m.target())
                    .append(" | ")
                    .append(m.meets() == null ? "" : m.meets() ? "yes" : "**no**")
                    .append(" | ")
                    .append(m.note() == null ? "" : m.note())
                    .append(" |\n");
        }
        return t.toString();
    }
}
