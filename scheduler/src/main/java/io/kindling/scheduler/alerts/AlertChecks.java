package io.kindling.scheduler.alerts;

import io.dropwizard.lifecycle.Managed;
import io.kindling.dsl.DurationAnomaly;
import io.kindling.dsl.Pipeline;
import io.kindling.scheduler.config.AlertingConfig;
import io.kindling.scheduler.db.AlertCheckDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts nothing but time passing causes (docs/alerts.md#deadlines-and-baselines): every
 * {@code alerting.checkInterval} each daemon checks the loaded pipelines' deadlines and learned baselines against the
 * run history, on a thread of its own. Several daemons may check at once: an alert is raised once per key in the
 * database, whichever daemon gets there first, and a daemon that was down catches up from the stored watermarks.
 */
public final class AlertChecks implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(AlertChecks.class);
    /** Deadlines are judged this long after they pass, so that a run's end committed at its deadline is seen. */
    static final Duration SETTLE = Duration.ofSeconds(2);

    /**
     * What one round did.
     *
     * @param took     the whole round
     * @param database the part of it spent in SQL statements (their rows read included)
     */
    public record Round(int late, int slow, Duration took, Duration database) {}

    private final Supplier<Collection<Pipeline>> pipelines;
    private final DeadlineCheck deadlines;
    private final SlowRunCheck slowRuns;
    private final AlertCheckDao dao;
    private final Clock clock;
    private final Duration interval;
    private ScheduledExecutorService timer;
    /** What the timer's rounds took, for the metrics (docs/metrics.md); written by the timer's thread only. */
    private final AtomicLong rounds = new AtomicLong();

    private final AtomicLong roundNanos = new AtomicLong();
    private final AtomicLong databaseNanos = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile double lastRoundSeconds = Double.NaN;

    public AlertChecks(
            Supplier<Collection<Pipeline>> pipelines,
            AlertCheckDao dao,
            AlertPlanner planner,
            AlertingConfig config,
            Clock clock) {
        this.pipelines = pipelines;
        this.dao = dao;
        this.clock = clock;
        this.interval = config.getCheckInterval().toJavaDuration();
        this.deadlines =
                new DeadlineCheck(dao, planner, config.getDeadlineLookback().toJavaDuration());
        this.slowRuns = new SlowRunCheck(
                dao,
                planner,
                config.getBaselineRuns(),
                config.getBaselineWindow().toJavaDuration());
    }

    /** The duration past which a run (or task) with this baseline is slow: k times its p95, at least k seconds. */
    public static Duration threshold(AlertCheckDao.Baseline baseline, DurationAnomaly anomaly) {
        return SlowRunCheck.threshold(baseline, anomaly);
    }

    /** One round now: deadlines that passed, then runs and tasks going slower than usual. */
    public synchronized Round checkNow() {
        long started = System.nanoTime();
        Duration databaseBefore = dao.databaseTime();
        Instant now = clock.instant();
        Collection<Pipeline> all = pipelines.get();
        int late = deadlines.check(all, now.minus(SETTLE));
        int slow = slowRuns.check(all, now);
        return new Round(
                late,
                slow,
                Duration.ofNanos(System.nanoTime() - started),
                dao.databaseTime().minus(databaseBefore));
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kindling-alert-checks");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::checkQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void checkQuietly() {
        try {
            Round round = checkNow();
            rounds.incrementAndGet();
            roundNanos.addAndGet(round.took().toNanos());
            databaseNanos.addAndGet(round.database().toNanos());
            lastRoundSeconds = round.took().toNanos() / 1e9;
            LOG.debug(
                    "alert checks: {} late, {} slow raised in {} ms",
                    round.late(),
                    round.slow(),
                    round.took().toMillis());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn(
                    "alert checks failed; next try in {}", interval, e); // a database hiccup: the next round catches up
        }
    }

    /** Rounds the timer ran to their end. */
    public long rounds() {
        return rounds.get();
    }

    /** Their time, in seconds, in all. */
    public double roundSeconds() {
        return roundNanos.get() / 1e9;
    }

    /** The part of it spent in SQL, in seconds. */
    public double databaseSeconds() {
        return databaseNanos.get() / 1e9;
    }

    /** The last round's time in seconds; NaN before the first. */
    public double lastRoundSeconds() {
        return lastRoundSeconds;
    }

    /** Rounds that failed (a database error): the next round catches up. */
    public long failures() {
        return failures.get();
    }

    @Override
    public void stop() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
