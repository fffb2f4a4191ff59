package io.kindling.scheduler.alerts;

import io.kindling.dsl.DurationAnomaly;
import io.kindling.dsl.Pipeline;
import io.kindling.scheduler.db.AlertCheckDao;
import io.kindling.scheduler.db.AlertCheckDao.Baseline;
import io.kindling.scheduler.db.AlertCheckDao.Running;
import io.kindling.scheduler.db.AlertDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code alerts: {duration_anomaly: {k, min_runs}}}: a run or task still going after {@code k} times the p95 of its
 * pipeline's (or task's) recent successful runs raises {@code run_slow} or {@code task_slow}, once per run (and
 * task). Each check reads the runs going now (one statement) and, only if some belong to pipelines with a
 * {@code duration_anomaly}, the baselines of those pipelines (one statement): never a query per run.
 */
final class SlowRunCheck {
    /** A baseline is never taken below this: a task that usually takes 10 ms is not slow at 40 ms. */
    static final Duration FLOOR = Duration.ofSeconds(1);

    /**
     * How long a pipeline's baselines are used at least before they are read again (one more run hardly moves a
     * p95); at most twice that.
     */
    static final Duration REFRESH = Duration.ofMinutes(10);

    private final AlertCheckDao dao;
    private final AlertPlanner planner;
    private final int baselineRuns;
    private final Duration baselineWindow;
    /** Baselines per pipeline ("pipeline/task" keys, "pipeline/" for the run), with when they were read. */
    private final Map<String, Cached> cache = new HashMap<>();

    private record Cached(Instant readAt, Map<String, Baseline> baselines) {}

    SlowRunCheck(AlertCheckDao dao, AlertPlanner planner, int baselineRuns, Duration baselineWindow) {
        this.dao = dao;
        this.planner = planner;
        this.baselineRuns = baselineRuns;
        this.baselineWindow = baselineWindow;
    }

    private record Slow(Pipeline pipeline, Running running, Baseline baseline, DurationAnomaly anomaly) {
        String key() {
            return running.taskId()
                    .map(task -> AlertType.TASK_SLOW.wireName() + ":" + running.runId() + "/" + task)
                    .orElse(AlertType.RUN_SLOW.wireName() + ":" + running.runId());
        }
    }

    /** Returns how many alerts this call raised. */
    int check(Collection<Pipeline> pipelines, Instant now) {
        Map<String, Pipeline> watched = new HashMap<>();
        for (Pipeline p : pipelines) {
            if (p.alerts().durationAnomaly().isPresent()) {
                watched.put(p.id(), p);
            }
        }
        if (watched.isEmpty()) {
            return 0;
        }
        List<Running> running = dao.running().stream()
                .filter(r -> watched.containsKey(r.pipelineId()))
                .toList();
        if (running.isEmpty()) {
            return 0;
        }
        Set<String> ids = new java.util.HashSet<>();
        running.forEach(r -> ids.add(r.pipelineId()));
        Map<String, Baseline> baselines = baselines(ids, now);
        List<Slow> slow = new ArrayList<>();
        for (Running r : running) {
            Pipeline p = watched.get(r.pipelineId());
            DurationAnomaly anomaly = p.alerts().durationAnomaly().orElseThrow();
            Baseline b = baselines.get(r.pipelineId() + "/" + r.taskId().orElse(""));
            if (b != null && b.runs() >= anomaly.minRuns() && over(r, b, anomaly, now)) {
                slow.add(new Slow(p, r, b, anomaly));
            }
        }
        if (slow.isEmpty()) {
            return 0;
        }
        Set<String> done = dao.raised(ids, slow.stream().map(Slow::key).toList());
        int raised = 0;
        for (Slow s : slow) {
            if (done.contains(s.pipeline().id() + "/" + s.key())) {
                continue;
            }
            Duration took = Duration.between(s.running().startedAt(), now);
            Duration threshold = threshold(s.baseline(), s.anomaly());
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("started_at", s.running().startedAt().toString());
            fields.put("duration_ms", took.toMillis());
            fields.put("baseline_p95_ms", s.baseline().p95().toMillis());
            fields.put("baseline_runs", s.baseline().runs());
            fields.put("k", s.anomaly().k());
            fields.put("threshold_ms", threshold.toMillis());
            fields.put(
                    "error",
                    "running for " + text(took) + ", over " + s.anomaly().k() + " x the p95 "
                            + text(s.baseline().p95()) + " of its last "
                            + s.baseline().runs() + " successful runs");
            AlertType type = s.running().taskId().isPresent() ? AlertType.TASK_SLOW : AlertType.RUN_SLOW;
            List<AlertDelivery> deliveries = planner.checked(
                    type,
                    s.pipeline(),
                    Optional.of(s.running().runId()),
                    s.running().taskId(),
                    fields,
                    now);
            String eventId = deliveries.isEmpty() ? "" : deliveries.get(0).eventId();
            if (dao.raiseOnce(s.pipeline().id(), s.key(), eventId, deliveries, now)) {
                raised++;
            }
        }
        return raised;
    }

    /**
     * The baselines of these pipelines: those read lately (see {@link #lifetime}) from memory, the others with one
     * query for all of them.
     */
    private Map<String, Baseline> baselines(Set<String> ids, Instant now) {
        // each pipeline's baselines live 1 to 2 REFRESH (by its id), so that the pipelines read together at a start
        // are read again spread over rounds, not all in one
        cache.entrySet()
                .removeIf(e -> e.getValue().readAt().isAfter(now)
                        || e.getValue().readAt().plus(lifetime(e.getKey())).isBefore(now));
        Set<String> stale = new java.util.HashSet<>(ids);
        stale.removeAll(cache.keySet());
        if (!stale.isEmpty()) {
            Map<String, Map<String, Baseline>> read = new HashMap<>();
            stale.forEach(id -> read.put(id, new HashMap<>()));
            for (Baseline b : dao.baselines(stale, baselineRuns, now.minus(baselineWindow))) {
                read.get(b.pipelineId()).put(b.pipelineId() + "/" + b.taskId(), b);
            }
            read.forEach((id, found) -> cache.put(id, new Cached(now, found)));
        }
        Map<String, Baseline> out = new HashMap<>();
        ids.forEach(id -> out.putAll(cache.get(id).baselines()));
        return out;
    }

    private static Duration lifetime(String pipelineId) {
        return REFRESH.plusSeconds(Math.floorMod(pipelineId.hashCode(), REFRESH.toSeconds()));
    }

    /** {@code k} times the baseline's p95 (at least {@link #FLOOR}). */
    static Duration threshold(Baseline b, DurationAnomaly anomaly) {
        Duration p95 = b.p95().compareTo(FLOOR) < 0 ? FLOOR : b.p95();
        return Duration.ofMillis(Math.round(p95.toMillis() * anomaly.k()));
    }

    private static boolean over(Running r, Baseline b, DurationAnomaly anomaly, Instant now) {
        return Duration.between(r.startedAt(), now).compareTo(threshold(b, anomaly)) > 0;
    }

    private static String text(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? s / 3600 + "h" + (s % 3600) / 60 + "m" : s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
    }
}
