package io.kindling.scheduler.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.dsl.Alerts;
import io.kindling.dsl.Pipeline;
import io.kindling.dsl.Task;
import io.kindling.dsl.TaskBody;
import io.kindling.dsl.VolumeAnomaly;
import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.config.AlertingConfig;
import io.kindling.scheduler.config.WebhookConfig;
import io.kindling.scheduler.db.AlertDelivery;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.RunIds;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * Decides which alerts a state change causes, for which webhooks, and writes each event's JSON. The engine hands
 * the result to the run DAO with the change itself. Which webhooks hear what:
 * {@code on_failure}: run_failed, task_failed, run_duration_over, run_recovered; {@code on_success}: run_succeeded;
 * {@code on_retry}: task_retrying. A pipeline without {@code alerts:} uses the defaults of config.yml. Webhooks that
 * are off (no URL) get nothing. With {@code alert_after: n}, run_failed and task_failed wait for the n-th failed run
 * in a row, and run_recovered follows only a streak that long (one that was alerted). A muted pipeline alerts
 * nothing until its mute ends.
 */
public final class AlertPlanner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AlertPlanner NONE = new AlertPlanner(Set.of(), Alerts.NONE, null, "", Clock.systemUTC());
    private static final BiPredicate<String, Instant> NEVER_MUTED = (pipeline, at) -> false;

    /** How many of a task's recent successful runs its output is compared with ({@code volume_anomaly}). */
    static final int VOLUME_RUNS = 20;

    private final Set<String> enabled;
    private final Alerts defaults;
    private final RunQueries history;
    /** Whether a pipeline's alerts are muted at a (real) time: read only when a delivery is about to be written. */
    private final BiPredicate<String, Instant> muted;

    private final String dashboardUrl;
    /** Outbox times are real time, whatever clock the engine runs on: they pace real HTTP requests. */
    private final Clock outboxClock;

    private final RunIds ids;

    /** The planner config.yml's {@code alerting} and {@code webhooks} sections ask for (enabled webhooks only). */
    public static AlertPlanner of(
            AlertingConfig alerting,
            Map<String, WebhookConfig> webhooks,
            RunQueries history,
            BiPredicate<String, Instant> muted) {
        Set<String> enabled = new HashSet<>();
        webhooks.forEach((name, webhook) -> {
            if (webhook.enabled()) {
                enabled.add(name);
            }
        });
        Alerts defaults =
                new Alerts(alerting.getOnFailure(), alerting.getOnSuccess(), alerting.getOnRetry(), Optional.empty());
        return new AlertPlanner(enabled, defaults, history, alerting.getDashboardUrl(), Clock.systemUTC(), muted);
    }

    /**
     * @param enabled  the webhooks that have a URL
     * @param defaults what pipelines without {@code alerts:} alert
     * @param history  reads earlier runs (to see a recovery) and a failed run's tasks
     */
    public AlertPlanner(
            Set<String> enabled, Alerts defaults, RunQueries history, String dashboardUrl, Clock outboxClock) {
        this(enabled, defaults, history, dashboardUrl, outboxClock, NEVER_MUTED);
    }

    /** @param muted whether a pipeline's alerts are muted at a time ({@code pipeline_mutes}) */
    public AlertPlanner(
            Set<String> enabled,
            Alerts defaults,
            RunQueries history,
            String dashboardUrl,
            Clock outboxClock,
            BiPredicate<String, Instant> muted) {
        this.muted = muted;
        this.enabled = Set.copyOf(enabled);
        this.defaults = defaults;
        this.history = history;
        this.dashboardUrl =
                dashboardUrl.endsWith("/") ? dashboardUrl.substring(0, dashboardUrl.length() - 1) : dashboardUrl;
        this.outboxClock = outboxClock;
        this.ids = new RunIds(outboxClock);
    }

    /** Alerts nothing. */
    public static AlertPlanner none() {
        return NONE;
    }

    private Alerts alertsOf(Pipeline pipeline) {
        return pipeline.alerts().equals(Alerts.NONE) ? defaults : pipeline.alerts();
    }

    public List<AlertDelivery> runEnded(
            Pipeline pipeline, String runId, RunState state, Optional<String> error, Instant at) {
        Alerts alerts = alertsOf(pipeline);
        List<AlertDelivery> out = new ArrayList<>();
        if (state == RunState.FAILED && anyEnabled(alerts.onFailure()) && streakReached(alerts, pipeline, runId)) {
            ObjectNode event = event(AlertType.RUN_FAILED, pipeline, runId, at);
            event.put("state", state.name());
            event.put("error", error.orElse(null));
            ArrayNode failed = event.putArray("failed_tasks");
            for (TaskRunRecord task : history.taskRuns(runId)) {
                if (task.state() == TaskState.FAILED || task.state() == TaskState.TIMED_OUT) {
                    failed.addObject()
                            .put("task", task.taskId())
                            .put("state", task.state().name())
                            .put("error", task.error().orElse(null));
                }
            }
            out.addAll(deliveries(event, alerts.onFailure(), pipeline, runId, Optional.empty()));
        }
        if (state == RunState.SUCCEEDED) {
            if (anyEnabled(alerts.onSuccess())) {
                ObjectNode event = event(AlertType.RUN_SUCCEEDED, pipeline, runId, at);
                event.put("state", state.name());
                out.addAll(deliveries(event, alerts.onSuccess(), pipeline, runId, Optional.empty()));
            }
            if (anyEnabled(alerts.onFailure()) && endsAlertedStreak(alerts, pipeline, runId)) {
                ObjectNode event = event(AlertType.RUN_RECOVERED, pipeline, runId, at);
                event.put("state", state.name());
                out.addAll(deliveries(event, alerts.onFailure(), pipeline, runId, Optional.empty()));
            }
        }
        return out;
    }

    /**
     * A run recovery fails because the definition it was made with can no longer be loaded: run_failed, to the
     * webhooks of the pipeline's {@code current} definition if one is loaded, else of the defaults.
     */
    public List<AlertDelivery> runLost(
            String pipelineId, Optional<Pipeline> current, String runId, String error, Instant at) {
        Alerts alerts = current.map(this::alertsOf).orElse(defaults);
        if (!anyEnabled(alerts.onFailure())) {
            return List.of();
        }
        ObjectNode event = event(AlertType.RUN_FAILED, pipelineId, runId, at);
        event.put("state", RunState.FAILED.name());
        event.put("error", error);
        event.putArray("failed_tasks");
        return deliveries(event, alerts.onFailure(), pipelineId, runId, Optional.empty());
    }

    /** An attempt ended in failure: the task retries, or (after its last retry) has failed. */
    public List<AlertDelivery> attemptFailed(
            Pipeline pipeline,
            String runId,
            String taskId,
            int attempt,
            TaskState state,
            boolean retrying,
            Optional<String> error,
            Instant at) {
        Alerts alerts = alertsOf(pipeline);
        List<String> webhooks = retrying ? alerts.onRetry() : alerts.onFailure();
        if (!anyEnabled(webhooks) || (!retrying && !streakReached(alerts, pipeline, runId))) {
            return List.of();
        }
        ObjectNode event = event(retrying ? AlertType.TASK_RETRYING : AlertType.TASK_FAILED, pipeline, runId, at);
        event.put("task", taskId);
        event.put("attempt", attempt);
        event.put("state", state.name());
        event.put("error", error.orElse(null));
        return deliveries(event, webhooks, pipeline, runId, Optional.of(taskId));
    }

    /**
     * What a successful attempt's output says, to the {@code on_failure} webhooks: {@code task_empty_output} when its
     * task has an {@code output:} (not in {@code allow_empty_output}) and wrote no record; {@code task_volume_anomaly}
     * with {@code volume_anomaly} when its records are out of k times the median of the task's recent successful
     * runs (read only then: one query). Nothing when its executor gave no output records.
     */
    public List<AlertDelivery> attemptSucceeded(
            Pipeline pipeline, String runId, Task task, int attempt, Optional<SparkMetrics> metrics, Instant at) {
        Alerts alerts = alertsOf(pipeline);
        Optional<Long> records = metrics.map(SparkMetrics::outputRecords);
        boolean hasOutput =
                task.body() instanceof TaskBody.Sql sql && sql.output().isPresent();
        if (records.isEmpty() || !hasOutput || !anyEnabled(alerts.onFailure())) {
            return List.of();
        }
        if (records.get() == 0) {
            if (!alerts.emptyOutputAlerts(task.id())) {
                return List.of();
            }
            ObjectNode event = event(AlertType.TASK_EMPTY_OUTPUT, pipeline, runId, at);
            event.put("task", task.id());
            event.put("attempt", attempt);
            event.put("output_records", 0);
            event.put("error", "the task succeeded but wrote no records to its output");
            return deliveries(event, alerts.onFailure(), pipeline, runId, Optional.of(task.id()));
        }
        if (alerts.volumeAnomaly().isEmpty()) {
            return List.of();
        }
        VolumeAnomaly volume = alerts.volumeAnomaly().get();
        long[] recent = history.previousSuccessfulMetrics(pipeline.id(), task.id(), runId, VOLUME_RUNS).stream()
                .map(AlertPlanner::outputRecords)
                .filter(Objects::nonNull)
                .mapToLong(Long::longValue)
                .sorted()
                .toArray();
        if (recent.length < volume.minRuns()) {
            return List.of();
        }
        double median = recent.length % 2 == 1
                ? recent[recent.length / 2]
                : (recent[recent.length / 2 - 1] + recent[recent.length / 2]) / 2.0;
        if (!volume.outOfBand(records.get(), median)) {
            return List.of();
        }
        ObjectNode event = event(AlertType.TASK_VOLUME_ANOMALY, pipeline, runId, at);
        event.put("task", task.id());
        event.put("attempt", attempt);
        event.put("output_records", records.get());
        event.put("median_output_records", median);
        event.put("baseline_runs", recent.length);
        event.put("k", volume.k());
        event.put(
                "error",
                "wrote " + records.get() + " records, " + (records.get() < median ? "below 1/" : "above ")
                        + fmt(volume.k())
                        + (records.get() < median ? " of" : " times") + " the median of its last " + recent.length
                        + " successful runs (" + fmt(median) + ")");
        return deliveries(event, alerts.onFailure(), pipeline, runId, Optional.of(task.id()));
    }

    /** A stored attempt's output records; null when absent or unreadable (a newer writer's JSON). */
    private static Long outputRecords(String json) {
        try {
            return SparkMetrics.fromJson(json).outputRecords();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    public List<AlertDelivery> durationOver(Pipeline pipeline, String runId, Duration limit, Instant at) {
        Alerts alerts = alertsOf(pipeline);
        if (!anyEnabled(alerts.onFailure())) {
            return List.of();
        }
        ObjectNode event = event(AlertType.RUN_DURATION_OVER, pipeline, runId, at);
        event.put("duration_limit", limit.toString());
        event.put("error", "still running after " + limit);
        return deliveries(event, alerts.onFailure(), pipeline, runId, Optional.empty());
    }

    /**
     * An event a periodic check raises ({@code run_late}, {@code run_start_late}, {@code run_slow},
     * {@code task_slow}), to the pipeline's {@code on_failure} webhooks. {@code run_id} is null (and the link goes to
     * the pipeline's page) when the run of a scheduled time was never created.
     *
     * @param fields what the event adds to the common fields
     */
    public List<AlertDelivery> checked(
            AlertType type,
            Pipeline pipeline,
            Optional<String> runId,
            Optional<String> taskId,
            Map<String, Object> fields,
            Instant at) {
        Alerts alerts = alertsOf(pipeline);
        if (!anyEnabled(alerts.onFailure())) {
            return List.of();
        }
        ObjectNode event = event(type, pipeline.id(), runId.orElse(""), at);
        if (runId.isEmpty()) {
            event.putNull("run_id");
            event.put("run_url", dashboardUrl + "/#/pipelines/" + pipeline.id());
        }
        taskId.ifPresent(task -> event.put("task", task));
        fields.forEach((name, value) -> event.set(name, JSON.valueToTree(value)));
        return deliveries(event, alerts.onFailure(), pipeline.id(), runId.orElse(""), taskId);
    }

    /**
     * Whether this failing run (counted as failed) makes {@code alert_after} failures in a row: earlier runs are read
     * only when more than one is needed.
     */
    private boolean streakReached(Alerts alerts, Pipeline pipeline, String runId) {
        int needed = alerts.alertAfter() - 1;
        return needed == 0 || failedInARow(history.previousFinishedStates(pipeline.id(), runId, needed)) >= needed;
    }

    /** Whether the runs before this success were a streak of failures that was alerted (so its end is news). */
    private boolean endsAlertedStreak(Alerts alerts, Pipeline pipeline, String runId) {
        return failedInARow(history.previousFinishedStates(pipeline.id(), runId, alerts.alertAfter()))
                >= alerts.alertAfter();
    }

    private static int failedInARow(List<RunState> newestFirst) {
        int n = 0;
        while (n < newestFirst.size() && newestFirst.get(n) == RunState.FAILED) {
            n++;
        }
        return n;
    }

    private boolean anyEnabled(List<String> webhooks) {
        return webhooks.stream().anyMatch(enabled::contains);
    }

    private ObjectNode event(AlertType type, Pipeline pipeline, String runId, Instant at) {
        return event(type, pipeline.id(), runId, at);
    }

    private ObjectNode event(AlertType type, String pipelineId, String runId, Instant at) {
        ObjectNode event = JSON.createObjectNode();
        event.put("id", ids.next());
        event.put("type", type.wireName());
        event.put("pipeline", pipelineId);
        event.put("run_id", runId);
        event.put("occurred_at", at.toString());
        event.put("run_url", dashboardUrl + "/#/runs/" + runId); // the dashboard's run page
        return event;
    }

    /** One delivery per enabled webhook, all carrying the same event (and event id). */
    private List<AlertDelivery> deliveries(
            ObjectNode event, List<String> webhooks, Pipeline pipeline, String runId, Optional<String> taskId) {
        return deliveries(event, webhooks, pipeline.id(), runId, taskId);
    }

    private List<AlertDelivery> deliveries(
            ObjectNode event, List<String> webhooks, String pipelineId, String runId, Optional<String> taskId) {
        String payload;
        try {
            payload = JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event is plain JSON", e);
        }
        Instant now = outboxClock.instant();
        if (webhooks.stream().noneMatch(enabled::contains) || muted.test(pipelineId, now)) {
            return List.of(); // a mute drops the event: nothing is stored to be sent later
        }
        List<AlertDelivery> out = new ArrayList<>();
        for (String webhook : new LinkedHashSet<>(webhooks)) {
            if (enabled.contains(webhook)) {
                out.add(AlertDelivery.pending(
                        ids.next(),
                        event.get("id").asText(),
                        webhook,
                        event.get("type").asText(),
                        pipelineId,
                        runId,
                        taskId,
                        payload,
                        now));
            }
        }
        return out;
    }
}
