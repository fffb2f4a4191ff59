package io.kindling.bench;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import io.kindling.scheduler.db.JdbiRunQueries;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.db.ScheduleDao;
import io.kindling.scheduler.schedule.CronScheduler;
import io.kindling.scheduler.schedule.ScheduleTicker;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Figure 3: many pipelines on one cron, wired as the daemon wires them: Quartz with its JDBC job store in the run
 * history's database (SQLite, or PostgreSQL) wakes {@link ScheduleTicker} (one trigger for the schedule they share),
 * which creates their runs on the engine (one no-op task each). Lateness of a pipeline's fire is the time until the
 * ticker has committed its run minus the fire's scheduled time (the headline figure, with the target); the time the
 * fire handler is called, and the time the tick ends (the schedules' cursors moved too), are reported beside it.
 * On PostgreSQL, a schedule of {@link CronScheduler#PREPARE_FROM} pipelines or more is prepared ahead, as in the
 * daemon: the handler is called before the fire's time and its runs are committed at that time.
 * Full: 1,000 pipelines every minute, two minutes of fires. Quick: 50 pipelines every second (a Quartz seconds
 * cron), five seconds of fires. Both after one warm-up fire (the first after the start, with the JIT cold), whose
 * lateness is reported apart.
 *
 * <p>Two diagnostic variants, by system property (JAVA_OPTS): {@code -Dkindling.bench.handOff=true} hands each fire
 * to a thread of its own before ticking (Quartz's worker returns at once); {@code -Dkindling.bench.quartzOnly=true}
 * only records the fire (no tick, no run): Quartz's own punctuality.
 */
final class CronPunctuality {
    private CronPunctuality() {}

    /** Wall-clock times of one pipeline's fire: scheduled, handler called, its run committed, the tick done. */
    record Fire(long scheduled, long handled, long committed, long ticked) {}

    /**
     * How many pipelines fire, how often and for how long: figure 3's full and quick sizes, and the curve of
     * pipelines loaded ({@link Curves}).
     *
     * @param period the schedule's period; a minute is the pipelines' own cron ({@code * * * * *}), a shorter one a
     *     Quartz seconds cron ({@code 0/N * * * * ?})
     * @param rounds periods of fires measured, after the warm-up fire
     */
    record Load(int pipelines, int rounds, Duration period) {
        static Load figure(boolean quick) {
            return quick ? new Load(50, 5, Duration.ofSeconds(1)) : new Load(1000, 2, Duration.ofMinutes(1));
        }

        /**
         * The raised target's size, on PostgreSQL: 10,000 pipelines, on a Quartz seconds cron every 30 s (as the
         * curve of pipelines loaded) so that it takes 2 minutes, not 4; the engine runs a fire's 10,000 runs well
         * within the 30 s.
         */
        static Load large(boolean quick) {
            return quick ? new Load(100, 2, Duration.ofSeconds(1)) : new Load(10_000, 2, Duration.ofSeconds(30));
        }

        String every() {
            return period.equals(Duration.ofMinutes(1))
                    ? "every minute"
                    : period.equals(Duration.ofSeconds(1)) ? "every second" : "every " + period.toSeconds() + " s";
        }
    }

    /**
     * The fires of one measurement and the heap in use once all the pipelines were loaded, scheduled and had fired
     * (after a full GC, in this JVM, which holds the engine, Quartz and the ticker as the daemon does).
     */
    record Fires(Load load, List<Fire> measured, List<Fire> warmUp, double heapMiB) {
        Stats committed() {
            return new Stats(measured.stream()
                    .map(f -> (double) (f.committed() - f.scheduled()))
                    .toList());
        }
    }

    /** @param database the history's database as the figures name it: SQLite, PostgreSQL */
    static List<Metric> measure(Path dir, boolean quick, String jdbcUrl, String database) throws Exception {
        return metrics(fire(dir, Load.figure(quick), jdbcUrl), database, database);
    }

    /** {@link #measure} at {@link Load#large}: its figures are named by the pipelines' count too. */
    static List<Metric> measureLarge(Path dir, boolean quick, String jdbcUrl, String database) throws Exception {
        Load load = Load.large(quick);
        return metrics(
                fire(dir, load, jdbcUrl),
                database,
                String.format(java.util.Locale.ROOT, "%,d pipelines, ", load.pipelines()) + database);
    }

    /** Loads the pipelines, schedules them and records the warm-up fire and {@code load.rounds()} periods of fires. */
    static Fires fire(Path dir, Load load, String jdbcUrl) throws Exception {
        int pipelines = load.pipelines();
        int rounds = load.rounds();
        long period = load.period().toMillis();
        Map<String, Pipeline> byId = new LinkedHashMap<>();
        for (int i = 0; i < pipelines; i++) {
            Pipeline p = EngineHarness.pipeline("""
                    pipeline: cron_%d
                    schedule: {cron: "* * * * *", timezone: UTC}
                    tasks:
                      - {id: only, sql: SELECT 1}
                    """.formatted(i));
            if (period != 60_000) {
                p = new Pipeline(
                        p.id(),
                        p.description(),
                        Optional.of(new Schedule(
                                load.every(), "0/" + load.period().toSeconds() + " * * * * ?", ZoneOffset.UTC, false)),
                        p.maxActiveRuns(),
                        p.params(),
                        p.alerts(),
                        p.tasks(),
                        p.file(),
                        p.contentHash(),
                        p.source());
            }
            byId.put(p.id(), p);
        }
        Queue<Fire> fires = new ConcurrentLinkedQueue<>();
        long[] window = new long[3];
        double heapMiB;
        try (EngineHarness h = new EngineHarness(jdbcUrl, dir, 8)) {
            RunQueries runs = new JdbiRunQueries(h.database.jdbi());
            // the moment the fire's runs are committed, before the ticker moves the schedules' cursors
            AtomicLong runsCommitted = new AtomicLong();
            ScheduleTicker ticker = new ScheduleTicker(
                    id -> Optional.ofNullable(byId.get(id)),
                    byId::values,
                    new ScheduleDao(h.database.jdbi()),
                    runs::backfilledTimes,
                    (due, publishAt) -> {
                        h.engine.triggerScheduled(due, publishAt);
                        runsCommitted.set(System.currentTimeMillis());
                    },
                    Clock.systemUTC());
            ExecutorService handOff = Executors.newSingleThreadExecutor();
            boolean async = Boolean.getBoolean("kindling.bench.handOff");
            boolean quartzOnly = Boolean.getBoolean("kindling.bench.quartzOnly");
            CronScheduler cron = new CronScheduler(
                    (firing, scheduled) -> {
                        long handled = System.currentTimeMillis();
                        Runnable tick = () -> {
                            runsCommitted.set(0);
                            if (!quartzOnly) {
                                ticker.tick(firing, Optional.of(scheduled));
                            }
                            long ticked = System.currentTimeMillis();
                            long committed = quartzOnly ? ticked : runsCommitted.get();
                            // a prepared fire's time is ticked again by the cron trigger's own fire, which finds
                            // nothing left due: only the fire that made the runs counts
                            if (committed != 0) {
                                firing.forEach(
                                        p -> fires.add(new Fire(scheduled.toEpochMilli(), handled, committed, ticked)));
                            }
                        };
                        if (async) {
                            handOff.execute(tick);
                        } else {
                            tick.run();
                        }
                    },
                    byId::values,
                    h.database.dataSource(),
                    false,
                    "bench-" + UUID.randomUUID(),
                    Clock.systemUTC(),
                    // as the daemon does: large fires are prepared ahead on PostgreSQL
                    jdbcUrl.startsWith("jdbc:postgresql:") ? CronScheduler.PREPARE_FROM : CronScheduler.NEVER_PREPARE);
            cron.scheduleAll(byId.values());
            ticker.start();
            cron.start();
            // the first whole period after everything is scheduled and running is the warm-up (the daemon's first
            // fire after its start, with the JIT cold), reported apart; then `rounds` periods of fires are measured
            long lead = System.currentTimeMillis() + (period <= 1000 ? 1500 : 5000);
            long warmUp = (lead + period - 1) / period * period;
            long first = warmUp + period;
            long end = first + rounds * period;
            window[0] = first;
            window[1] = end;
            window[2] = warmUp;
            long deadline = end + period + 30_000;
            try {
                while (System.currentTimeMillis() < deadline
                        && fires.stream()
                                        .filter(f -> f.scheduled() >= first && f.scheduled() < end)
                                        .count()
                                < (long) pipelines * rounds) {
                    Thread.sleep(200);
                }
                heapMiB = heapAfterGc();
            } finally {
                cron.stop();
                handOff.shutdownNow();
            }
        }
        List<Fire> measured = new ArrayList<>();
        List<Fire> warmUp = new ArrayList<>();
        for (Fire f : fires) {
            if (f.scheduled() >= window[2] && f.scheduled() < window[0]) {
                warmUp.add(f);
            }
            if (f.scheduled() >= window[0] && f.scheduled() < window[1]) {
                measured.add(f);
            }
        }
        return new Fires(load, measured, warmUp, heapMiB);
    }

    /** The heap in use after a full collection, in MiB. */
    private static double heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        return memory.getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
    }

    /** @param label names the figures: the database, and the load when it is not figure 3's own */
    private static List<Metric> metrics(Fires fires, String database, String label) {
        List<Double> late = new ArrayList<>();
        List<Double> ticked = new ArrayList<>();
        for (Fire f : fires.measured()) {
            late.add((double) (f.handled() - f.scheduled()));
            ticked.add((double) (f.ticked() - f.scheduled()));
        }
        Stats l = new Stats(late);
        Stats c = fires.committed();
        Stats w = new Stats(fires.warmUp().stream()
                .map(f -> (double) (f.committed() - f.scheduled()))
                .toList());
        Stats t = new Stats(ticked);
        String how = c.count() + " fires of " + fires.load().pipelines() + " pipelines "
                + fires.load().every()
                + " (one shared Quartz trigger), Quartz JDBC job store on " + database + "; scheduled time to the"
                + " pipeline's run committed (max " + Metric.number(c.max()) + " ms)";
        String handler = "scheduled time to Quartz calling the fire handler that made the runs (negative: a fire"
                + " prepared ahead, at " + CronScheduler.PREPARE_FROM + " pipelines or more on PostgreSQL)";
        String on = ", " + label;
        return List.of(
                Metric.of("3 cron lateness to run committed p50" + on, c.median(), "ms", how),
                Metric.below("3 cron lateness to run committed p99" + on, c.percentile(99), "ms", 100, how),
                Metric.of("3 cron fire handler called p50" + on, l.median(), "ms", handler),
                Metric.of("3 cron fire handler called p99" + on, l.percentile(99), "ms", handler),
                Metric.of(
                        "3 cron tick done p99" + on,
                        t.percentile(99),
                        "ms",
                        "scheduled time to the ticker having"
                                + " also moved the schedules' cursors (a transaction after the runs')"),
                Metric.of(
                        "3 cron first fire after start, to run committed (max)" + on,
                        w.max(),
                        "ms",
                        "the warm-up fire (JIT cold), not in the figures above: " + w.count() + " pipelines"));
    }
}
