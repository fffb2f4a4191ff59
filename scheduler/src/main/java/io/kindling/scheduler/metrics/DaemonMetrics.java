package io.kindling.scheduler.metrics;

import io.kindling.executor.Executor;
import io.kindling.scheduler.alerts.AlertChecks;
import io.kindling.scheduler.alerts.AlertDispatcher;
import io.kindling.scheduler.core.RunEngine;
import io.kindling.scheduler.db.AlertDeliveryDao;
import io.kindling.scheduler.db.HistorySizes;
import io.kindling.scheduler.db.RunQueries;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The daemon's meters (docs/metrics.md): runs and tasks, the outbox, executor slots and what executors report. */
public final class DaemonMetrics {
    private DaemonMetrics() {}

    public static PrometheusMeterRegistry register(
            RunEngine engine,
            RunQueries runs,
            AlertDeliveryDao outbox,
            AlertDispatcher dispatcher,
            Map<String, Executor> executors,
            HistorySizes sizes) {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        engine.addListener(new RunMetrics(metrics, runId -> runs.findRun(runId).map(r -> r.pipelineId())));
        Gauge.builder("kindling.outbox.backlog", outbox, AlertDeliveryDao::backlog)
                .description("Alert deliveries not yet delivered nor given up")
                .register(metrics);
        FunctionCounter.builder("kindling.alert.delivery.failures", dispatcher, AlertDispatcher::failures)
                .description("Alert delivery attempts that got no 2xx answer")
                .register(metrics);
        Gauge.builder("kindling.history.database.bytes", sizes, HistorySizes::databaseBytes)
                .description("Size of the run history's database (SQLite: file and WAL; PostgreSQL: its tables)")
                .baseUnit("bytes")
                .register(metrics);
        Gauge.builder("kindling.attempt.logs.bytes", sizes, HistorySizes::logBytes)
                .description("Size of the attempt log folder (logDir)")
                .baseUnit("bytes")
                .register(metrics);
        for (String executor : engine.executorNames()) {
            Gauge.builder("kindling.executor.slots.free", engine, e -> e.freeSlots(executor))
                    .description("Task slots of the executor no attempt holds")
                    .tag("executor", executor)
                    .register(metrics);
        }
        for (String pool : engine.poolNames()) {
            Gauge.builder("kindling.pool.places.free", engine, e -> e.freePlaces(pool))
                    .description("Places of the pool no task of this daemon holds")
                    .tag("pool", pool)
                    .register(metrics);
        }
        executors.forEach((name, executor) -> executor.gauges()
                .keySet()
                .forEach(gauge -> Gauge.builder(
                                "kindling.executor." + gauge,
                                executor,
                                e -> e.gauges().getOrDefault(gauge, Double.NaN))
                        .description("Reported by the executor (see its README)")
                        .tag("executor", name)
                        .register(metrics)));
        return metrics;
    }

    /** The rounds of the deadline and baseline checks: how many, what they took, how much of it was SQL. */
    public static void register(MeterRegistry metrics, AlertChecks checks) {
        FunctionTimer.builder(
                        "kindling.alert.check",
                        checks,
                        AlertChecks::rounds,
                        AlertChecks::roundSeconds,
                        TimeUnit.SECONDS)
                .description("Rounds of the deadline and learned-baseline checks, and their time")
                .register(metrics);
        FunctionTimer.builder(
                        "kindling.alert.check.database",
                        checks,
                        AlertChecks::rounds,
                        AlertChecks::databaseSeconds,
                        TimeUnit.SECONDS)
                .description("The part of the alert check rounds spent in SQL statements")
                .register(metrics);
        Gauge.builder("kindling.alert.check.last.round", checks, AlertChecks::lastRoundSeconds)
                .description("The last alert check round's time")
                .baseUnit("seconds")
                .register(metrics);
        FunctionCounter.builder("kindling.alert.check.failures", checks, AlertChecks::failures)
                .description("Alert check rounds that failed (the next round catches up)")
                .register(metrics);
    }
}
