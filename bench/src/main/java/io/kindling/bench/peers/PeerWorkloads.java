package io.kindling.bench.peers;

import io.kindling.bench.Metric;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The side-by-side workloads, the same for every system: (f) start to ready, (e) idle memory and CPU with the
 * pipelines loaded, (a) task-to-task latency on a chain, (b) a wide DAG end to end, (d) manual triggers until all
 * succeeded, (c) cron lateness of pipelines firing every period. Each figure is measured from the system's own
 * recorded times; one that fails or runs out of time has no value and says why, and the others go on.
 */
public final class PeerWorkloads {
    /**
     * How big. {@code cronPeriodSeconds} is 60 (every minute) for a real run; the build's test runs Kindling alone
     * with a Quartz seconds cron (1) so that it ends in seconds. {@code cap} bounds each of (a), (b) and (d).
     */
    public record Sizes(
            int chain,
            int chainRuns,
            int wide,
            int triggers,
            int crons,
            int cronPeriodSeconds,
            int cronFires,
            Duration idle,
            Duration cap,
            String only) {
        Sizes(
                int chain,
                int chainRuns,
                int wide,
                int triggers,
                int crons,
                int cronPeriodSeconds,
                int cronFires,
                Duration idle,
                Duration cap) {
            this(chain, chainRuns, wide, triggers, crons, cronPeriodSeconds, cronFires, idle, cap, "abcdef");
        }

        /** These sizes, running only the workloads of {@code letters} (f, the start, always runs). */
        public Sizes only(String letters) {
            return new Sizes(chain, chainRuns, wide, triggers, crons, cronPeriodSeconds, cronFires, idle, cap, letters);
        }

        boolean runs(char workload) {
            return only.indexOf(workload) >= 0;
        }

        /** The sizes; {@code cronMinutes} of fires (3 by the issue). */
        public static Sizes full(int cronMinutes, Duration idle, Duration cap) {
            return new Sizes(20, 2, 200, 200, 100, 60, cronMinutes, idle, cap);
        }

        /** Small, every minute: to try a peer's adapter by hand ({@code --peer-small}). */
        public static Sizes small() {
            return new Sizes(5, 1, 20, 10, 3, 60, 1, Duration.ofSeconds(5), Duration.ofSeconds(150));
        }

        /** The smallest, for the build's test of the harness with Kindling. */
        public static Sizes smallest() {
            return new Sizes(5, 2, 20, 10, 3, 1, 3, Duration.ofSeconds(2), Duration.ofSeconds(30));
        }

        String cronRows() {
            return crons + " pipelines every " + (cronPeriodSeconds == 60 ? "minute" : cronPeriodSeconds + " s");
        }
    }

    /** How often the harness asks a system whether runs have ended (its answer's times are the system's). */
    private static final Duration POLL = Duration.ofMillis(200);

    private PeerWorkloads() {}

    /** The figure names, in table order, for a system with or without a variant. */
    static List<String> rows(Sizes s, String variantLabel) {
        List<String> rows = new ArrayList<>(List.of(
                "f start to ready",
                "e idle memory, PSS of all processes",
                "e idle CPU",
                "a task-to-task latency p50, " + s.chain + "-task chain",
                "a task-to-task latency p99, " + s.chain + "-task chain"));
        if (variantLabel != null) {
            rows.add("a task-to-task latency p50, " + s.chain + "-task chain, " + variantLabel);
            rows.add("a task-to-task latency p99, " + s.chain + "-task chain, " + variantLabel);
        }
        rows.add("b wide DAG end to end, " + s.wide + " tasks + 1");
        if (variantLabel != null) {
            rows.add("b wide DAG end to end, " + s.wide + " tasks + 1, " + variantLabel);
        }
        rows.add("d " + s.triggers + " manual triggers until all succeeded");
        rows.add("c cron lateness p50, " + s.cronRows());
        rows.add("c cron lateness p99, " + s.cronRows());
        return rows;
    }

    /** Installs, starts, measures and stops {@code peer}; every figure of {@link #rows}, measured or saying why not. */
    public static List<Metric> measure(Peer peer, Sizes s, PrintStream out) {
        Map<String, Metric> got = new LinkedHashMap<>();
        List<String> rows = rows(s, peer.variantLabel());
        String stage = "install";
        try (peer) {
            out.println(peer.name() + ": " + peer.install());
            stage = "deploy";
            peer.deploy(s);
            stage = "start";
            long t0 = System.nanoTime();
            peer.start();
            double ready = (System.nanoTime() - t0) / 1e6;
            put(got, Metric.of(rows.get(0), ready, "ms", "process start to ready: " + peer.how()), out);
            stage = "measure";
            if (s.runs('e')) {
                idle(peer, s, rows, got, out);
            }
            if (s.runs('a')) {
                chain(peer, "", s, rows.get(3), rows.get(4), got, out);
            }
            int next = 5;
            if (peer.variant() != null) {
                if (s.runs('a')) {
                    chain(peer, peer.variant(), s, rows.get(5), rows.get(6), got, out);
                }
                next = 7;
            }
            if (s.runs('b')) {
                wide(peer, "", s, rows.get(next), got, out);
            }
            next++;
            if (peer.variant() != null) {
                if (s.runs('b')) {
                    wide(peer, peer.variant(), s, rows.get(next), got, out);
                }
                next++;
            }
            if (s.runs('d')) {
                triggers(peer, s, rows.get(next), got, out);
            }
            next++;
            if (s.runs('c')) {
                cron(peer, s, rows.get(next), rows.get(next + 1), got, out);
            }
            for (String row : rows) {
                got.putIfAbsent(
                        row, new Metric(row, null, "", null, null, "skipped: not run (--peer-only " + s.only() + ")"));
            }
        } catch (Exception e) {
            e.printStackTrace(out);
            String why = stage.equals("measure") ? "error: " + e : "not measured: " + stage + " failed: " + e;
            for (String row : rows) {
                got.putIfAbsent(row, new Metric(row, null, "", null, null, why));
            }
        }
        List<Metric> metrics = new ArrayList<>();
        for (String row : rows) {
            metrics.add(got.get(row).on(peer.name()));
        }
        return metrics;
    }

    private static void put(Map<String, Metric> got, Metric m, PrintStream out) {
        got.put(m.name(), m);
        out.println("  " + m.name() + ": " + (m.value() == null ? "-" : Metric.number(m.value())) + " " + m.unit()
                + (m.value() == null ? " (" + m.note() + ")" : ""));
    }

    private static Metric failed(String row, Exception e) {
        return new Metric(row, null, "", null, null, "error: " + e);
    }

    /** (e): PSS of all the system's processes, and their CPU time over {@code s.idle}, nothing running. */
    private static void idle(Peer peer, Sizes s, List<String> rows, Map<String, Metric> got, PrintStream out)
            throws Exception {
        List<ProcessHandle> before = peer.processes();
        double cpu0 = Processes.cpuSeconds(before);
        Thread.sleep(s.idle.toMillis());
        List<ProcessHandle> after = peer.processes();
        Set<ProcessHandle> both = new LinkedHashSet<>(after);
        double cpu1 = Processes.cpuSeconds(both);
        double pss = Processes.pssMiB(after);
        put(
                got,
                Metric.of(
                        rows.get(1),
                        pss,
                        "MiB",
                        "sum of Pss (/proc/PID/smaps_rollup) of its " + after.size() + " processes, with "
                                + (3 + s.crons) + " pipelines loaded, schedules off, after " + s.idle.toSeconds()
                                + " s idle"),
                out);
        put(
                got,
                Metric.of(
                        rows.get(2),
                        (cpu1 - cpu0) * 60.0 / s.idle.toSeconds(),
                        "s/min",
                        "user + system CPU of those processes (and of the children they reaped) over "
                                + s.idle.toSeconds() + " s, per minute"),
                out);
    }

    /** (a): hops of the chain, each the next task's start minus the previous task's end, by the system's clock. */
    private static void chain(
            Peer peer, String suffix, Sizes s, String p50, String p99, Map<String, Metric> got, PrintStream out) {
        List<Double> hops = new ArrayList<>();
        long deadline = System.nanoTime() + s.cap.toNanos();
        int runs = 0;
        String why = null;
        try {
            // run 0 warms up and is not counted
            for (int r = 0; r <= s.chainRuns && System.nanoTime() < deadline; r++) {
                String pipeline = Peer.CHAIN + suffix;
                String id = peer.trigger(pipeline);
                Peer.RunTimes run =
                        awaitAll(peer, pipeline, List.of(id), deadline).get(id);
                if (run == null) {
                    why = "a run had not ended within " + s.cap.toSeconds() + " s";
                    stop(peer, pipeline, List.of(id), out);
                    break;
                }
                if (!run.succeeded()) {
                    throw new IllegalStateException("run " + id + " ended " + run.state());
                }
                if (r == 0) {
                    continue;
                }
                // a system may record task runs after the run's end (Prefect writes them from events): 30 s for all
                List<Peer.TaskTimes> tasks = new ArrayList<>(peer.tasks(pipeline, id));
                long recorded = System.nanoTime() + 30_000_000_000L;
                while (!complete(tasks, s.chain) && System.nanoTime() < recorded) {
                    Thread.sleep(POLL.toMillis());
                    tasks = new ArrayList<>(peer.tasks(pipeline, id));
                }
                if (!complete(tasks, s.chain)) {
                    throw new IllegalStateException("run " + id + " has " + tasks.size() + " tasks with times, not "
                            + s.chain + ", 30 s after its end");
                }
                tasks.sort(Comparator.comparing(Peer.TaskTimes::start));
                for (int i = 1; i < tasks.size(); i++) {
                    hops.add(millis(tasks.get(i - 1).end(), tasks.get(i).start()));
                }
                runs++;
            }
        } catch (Exception e) {
            why = "error: " + e;
        }
        if (hops.isEmpty()) {
            String note = why == null ? "no chain run within " + s.cap.toSeconds() + " s" : why;
            put(got, new Metric(p50, null, "ms", null, null, note), out);
            put(got, new Metric(p99, null, "ms", null, null, note), out);
            return;
        }
        Stats st = new Stats(hops);
        String note = hops.size() + " hops of " + runs + " runs after a warm-up run; a task's end to the next"
                + " one's start, by the system's recorded times" + (why == null ? "" : "; then " + why);
        put(got, Metric.of(p50, st.percentile(50), "ms", note), out);
        put(got, Metric.of(p99, st.percentile(99), "ms", note), out);
    }

    private static boolean complete(List<Peer.TaskTimes> tasks, int expected) {
        return tasks.size() == expected && tasks.stream().allMatch(t -> t.start() != null && t.end() != null);
    }

    /** (b): the bench's clock at the trigger to the run's end by the system's clock. */
    private static void wide(Peer peer, String suffix, Sizes s, String row, Map<String, Metric> got, PrintStream out) {
        try {
            String pipeline = Peer.WIDE + suffix;
            Instant t0 = Instant.now();
            String id = peer.trigger(pipeline);
            Peer.RunTimes run = awaitAll(peer, pipeline, List.of(id), System.nanoTime() + s.cap.toNanos())
                    .get(id);
            if (run == null) {
                stop(peer, pipeline, List.of(id), out);
                put(got, new Metric(row, null, "ms", null, null, "not ended within " + s.cap.toSeconds() + " s"), out);
            } else if (!run.succeeded()) {
                put(got, new Metric(row, null, "ms", null, null, "the run ended " + run.state()), out);
            } else {
                put(
                        got,
                        Metric.of(
                                row,
                                millis(t0, run.end()),
                                "ms",
                                "trigger (the bench's clock before the request) to the run's recorded end; the run's"
                                        + " own start to end " + Metric.number(millis(run.start(), run.end()))
                                        + " ms"),
                        out);
            }
        } catch (Exception e) {
            put(got, failed(row, e), out);
        }
    }

    /** (d): that many runs of the one-task pipeline triggered one after another; the first trigger to the last end. */
    private static void triggers(Peer peer, Sizes s, String row, Map<String, Metric> got, PrintStream out) {
        try {
            Instant t0 = Instant.now();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < s.triggers; i++) {
                ids.add(peer.trigger(Peer.ONE));
            }
            double triggering = millis(t0, Instant.now());
            Map<String, Peer.RunTimes> ended = awaitAll(peer, Peer.ONE, ids, System.nanoTime() + s.cap.toNanos());
            long ok = ended.values().stream().filter(Peer.RunTimes::succeeded).count();
            if (ended.size() < ids.size()) {
                stop(
                        peer,
                        Peer.ONE,
                        ids.stream().filter(i -> !ended.containsKey(i)).toList(),
                        out);
            }
            if (ok < ids.size()) {
                put(
                        got,
                        new Metric(
                                row,
                                null,
                                "ms",
                                null,
                                null,
                                ok + " of " + ids.size() + " succeeded within " + s.cap.toSeconds() + " s ("
                                        + (ended.size() - ok) + " ended otherwise)"),
                        out);
                return;
            }
            Instant last = ended.values().stream()
                    .map(Peer.RunTimes::end)
                    .max(Comparator.naturalOrder())
                    .orElseThrow();
            put(
                    got,
                    Metric.of(
                            row,
                            millis(t0, last),
                            "ms",
                            "the first trigger (bench's clock) to the last run's recorded end; the triggers took "
                                    + Metric.number(triggering) + " ms"),
                    out);
        } catch (Exception e) {
            put(got, failed(row, e), out);
        }
    }

    /**
     * (c): schedules on, then every fire scheduled in the {@code cronFires} periods after the next period boundary;
     * each one's lateness is its run's recorded start minus its scheduled time. A fire not started one period (at
     * least 30 s) after the last scheduled time counts as later than all others.
     */
    private static void cron(Peer peer, Sizes s, String p50, String p99, Map<String, Metric> got, PrintStream out) {
        try {
            long period = s.cronPeriodSeconds * 1000L;
            peer.enableSchedules();
            Instant enabled = Instant.now();
            Instant first = Instant.ofEpochMilli((enabled.toEpochMilli() / period + 1) * period);
            Instant endOfWindow = first.plusMillis(period * s.cronFires);
            Instant waitUntil = endOfWindow.plusMillis(Math.max(period, 30_000));
            int expected = s.crons * s.cronFires;
            List<Double> lateness = new ArrayList<>();
            int started = 0;
            while (true) {
                boolean last = !Instant.now().isBefore(waitUntil);
                lateness.clear();
                started = 0;
                for (Peer.Fire f : peer.fires(first)) {
                    if (!f.scheduled().isBefore(endOfWindow)) {
                        continue;
                    }
                    if (f.started() != null) {
                        started++;
                        lateness.add(millis(f.scheduled(), f.started()));
                    }
                }
                if (last || (Instant.now().isAfter(endOfWindow) && started >= expected)) {
                    break;
                }
                Thread.sleep(Math.min(
                        5_000,
                        Math.max(200, Duration.between(Instant.now(), waitUntil).toMillis())));
            }
            for (int i = started; i < expected; i++) {
                lateness.add(Double.POSITIVE_INFINITY);
            }
            if (lateness.isEmpty()) {
                throw new IllegalStateException("no fire expected");
            }
            Stats st = new Stats(lateness);
            String note = started + " of " + expected + " fires (" + s.crons + " pipelines, " + s.cronFires
                    + " periods from " + first + ") started; a fire's run's recorded start minus its scheduled time";
            for (String[] row : new String[][] {{p50, "50"}, {p99, "99"}}) {
                double v = st.percentile(Double.parseDouble(row[1]));
                if (Double.isInfinite(v)) {
                    put(
                            got,
                            new Metric(
                                    row[0],
                                    null,
                                    "ms",
                                    null,
                                    null,
                                    "> " + Metric.number(millis(endOfWindow.minusMillis(period), waitUntil)) + " ms: "
                                            + note + " by " + waitUntil),
                            out);
                } else {
                    put(got, Metric.of(row[0], v, "ms", note), out);
                }
            }
        } catch (Exception e) {
            put(got, failed(p50, e), out);
            put(got, failed(p99, e), out);
        }
    }

    /**
     * Stops what a workload left going when it ran out of time, and gives the system up to 60 s to end those runs,
     * so that the next workload does not share the machine with them.
     */
    private static void stop(Peer peer, String pipeline, List<String> ids, PrintStream out) {
        try {
            peer.cancel(pipeline, ids);
            Map<String, Peer.RunTimes> ended = awaitAll(peer, pipeline, ids, System.nanoTime() + 60_000_000_000L);
            out.println("  (stopped " + ids.size() + " runs left going; " + ended.size() + " ended within 60 s)");
        } catch (Exception e) {
            out.println("  (could not stop the " + ids.size() + " runs left going: " + e + ")");
        }
    }

    /** Polls until all of {@code ids} have ended or the deadline passed; those that ended. */
    private static Map<String, Peer.RunTimes> awaitAll(Peer peer, String pipeline, List<String> ids, long deadline)
            throws Exception {
        Map<String, Peer.RunTimes> ended = new LinkedHashMap<>();
        while (true) {
            List<String> open = ids.stream().filter(i -> !ended.containsKey(i)).toList();
            if (open.isEmpty()) {
                return ended;
            }
            ended.putAll(peer.ended(pipeline, open));
            if (ended.size() == ids.size() || System.nanoTime() > deadline) {
                return ended;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** One Markdown table, a row per figure and a column per system; a cell without a value says why. */
    public static String table(List<Metric> metrics, Map<String, String> labels) {
        List<String> rows = new ArrayList<>();
        Map<String, Metric> cells = new LinkedHashMap<>();
        for (Metric m : metrics) {
            if (!rows.contains(m.name())) {
                // a variant's row goes after the last row of its figure
                int at = rows.size();
                for (int i = 0; i < rows.size(); i++) {
                    if (rows.get(i).charAt(0) == m.name().charAt(0)) {
                        at = i + 1;
                    }
                }
                rows.add(at, m.name());
            }
            cells.put(m.system() + "\u0000" + m.name(), m);
        }
        StringBuilder t = new StringBuilder("| workload |");
        labels.values().forEach(l -> t.append(' ').append(l).append(" |"));
        t.append("\n|---|");
        labels.values().forEach(l -> t.append("---:|"));
        t.append('\n');
        for (String row : rows) {
            t.append("| ").append(row).append(" |");
            for (String system : labels.keySet()) {
                Metric m = cells.get(system + "\u0000" + row);
                String cell = m == null
                        ? "n/a"
                        : m.value() == null
                                ? "- (" + m.note().replace("|", "/") + ")"
                                : Metric.number(m.value()) + " " + m.unit();
                t.append(' ').append(cell).append(" |");
            }
            t.append('\n');
        }
        return t.toString();
    }

    /** Percentiles (nearest rank). */
    private record Stats(double[] sorted) {
        Stats(List<Double> samples) {
            this(samples.stream().mapToDouble(Double::doubleValue).sorted().toArray());
        }

        double percentile(double p) {
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }
    }

    static String fmt(String f, Object... a) {
        return String.format(Locale.ROOT, f, a);
    }
}
