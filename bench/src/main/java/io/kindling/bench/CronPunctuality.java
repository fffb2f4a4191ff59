package io.kindling.bench;

import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Schedule;
import io.kindling.scheduler.db.JdbiRunQueries;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.db.ScheduleDao;
import io.kindling.scheduler.schedule.CronScheduler;
import io.kindling.scheduler.schedule.ScheduleTicker;
import java.nio.file.Path;
import java.time.Clock;
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
    private record Fire(long scheduled, long handled, long committed, long ticked) {}

    /** @param database the history's database as the figures name it: SQLite, PostgreSQL */
    static List<Metric> measure(Path dir, boolean quick, String jdbcUrl, String database) throws Exception {
        int pipelines = quick ? 50 : 1000;
        int rounds = quick ? 5 : 2;
        long period = quick ? 1000 : 60_000;
        Map<String, Pipeline> byId = new LinkedHashMap<>();
        for (int i = 0; i < pipelines; i++) {
            Pipeline p = EngineHarness.pipeline("""
                    pipeline: cron_%d
                    schedule: {cron: "* * * * *", timezone: UTC}
                    tasks:
                      - {id: only, sql: SELECT 1}
                    """.formatted(i));
            if (quick) {
                p = new Pipeline(
                        p.id(),
                        p.description(),
                        Optional.of(new Schedule("every second", "* * * * * ?", ZoneOffset.UTC, false)),
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
        try (EngineHarness h = new EngineHarness(jdbcUrl, dir, 8)) {
            RunQueries runs = new JdbiRunQueries(h.database.jdbi());
            // the moment the fire's runs are committed, before the ticker moves the schedules' cursors
            AtomicLong runsCommitted = new AtomicLong();
            ScheduleTicker ticker = new ScheduleTicker(
                    id -> Optional.ofNullable(byId.get(id)),
                    byId::values,
                    new ScheduleDao(h.database.jdbi()),
                    runs::backfilledTimes,
                    due -> {
                        h.engine.triggerScheduled(due);
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
                            if (!quartzOnly) {
                                ticker.tick(firing, Optional.of(scheduled));
                            }
                            long ticked = System.currentTimeMillis();
                            long committed = quartzOnly ? ticked : runsCommitted.get();
                            firing.forEach(
                                    p -> fires.add(new Fire(scheduled.toEpochMilli(), handled, committed, ticked)));
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
                    "bench-" + UUID.randomUUID());
            cron.scheduleAll(byId.values());
            ticker.start();
            cron.start();
            // the first whole period after everything is scheduled and running is the warm-up (the daemon's first
            // fire after its start, with the JIT cold), reported apart; then `rounds` periods of fires are measured
            long lead = System.currentTimeMillis() + (quick ? 1500 : 5000);
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
            } finally {
                cron.stop();
                handOff.shutdownNow();
            }
        }
        List<Double> late = new ArrayList<>();
        List<Double> committed = new ArrayList<>();
        List<Double> ticked = new ArrayList<>();
        List<Double> warmUp = new ArrayList<>();
        for (Fire f : fires) {
            if (f.scheduled() >= window[2] && f.scheduled() < window[0]) {
                warmUp.add((double) (f.committed() - f.scheduled()));
            }
            if (f.scheduled() >= window[0] && f.scheduled() < window[1]) {
                late.add((double) (f.handled() - f.scheduled()));
                committed.add((double) (f.committed() - f.scheduled()));
                ticked.add((double) (f.ticked() - f.scheduled()));
            }
        }
        Stats l = new Stats(late);
        Stats c = new Stats(committed);
        Stats w = new Stats(warmUp);
        Stats t = new Stats(ticked);
        String how = c.count() + " fires of " + pipelines + " pipelines " + (quick ? "every second" : "every minute")
                + " (one shared Quartz trigger), Quartz JDBC job store on " + database + "; scheduled time to the"
                + " pipeline's run committed (max " + Metric.number(c.max()) + " ms)";
        String handler = "scheduled time to Quartz calling the fire handler";
        String on = ", " + database;
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
