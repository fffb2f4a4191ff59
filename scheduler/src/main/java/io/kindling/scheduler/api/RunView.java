package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.executor.SparkMetrics;
import io.kindling.executor.TaskValuesJson;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A run as the API shows it; {@code tasks} only in the single-run view. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunView(
        String runId,
        String pipeline,
        String version,
        String gitCommit,
        String trigger,
        String logicalTime,
        Map<String, String> params,
        String state,
        String createdAt,
        String startedAt,
        String endedAt,
        Long durationMs,
        String error,
        String backfillId,
        String event,
        List<UpstreamRunView> upstreamRuns,
        List<RepairView> repairs,
        List<TaskRunView> tasks,
        List<AuthViews.AuditView> audit,
        List<TriggerFileView> files,
        ParentRunView parentRun) {

    /** The longest param value a list row shows whole; longer ones end in an ellipsis. */
    public static final int ROW_PARAM_CHARS = 256;

    /**
     * A run as a row of a list ({@code /runs}, a pipeline's runs and last run): params cut to
     * {@value #ROW_PARAM_CHARS} characters, so that a list of runs with large params stays small; the run's own
     * view has them whole.
     */
    public static RunView row(RunRecord r) {
        RunView whole = of(r);
        if (whole.params == null
                || whole.params.values().stream().allMatch(v -> v == null || v.length() <= ROW_PARAM_CHARS)) {
            return whole;
        }
        Map<String, String> cut = new LinkedHashMap<>();
        whole.params.forEach((k, v) -> cut.put(
                k, v == null || v.length() <= ROW_PARAM_CHARS ? v : v.substring(0, ROW_PARAM_CHARS) + "\u2026"));
        return new RunView(
                whole.runId,
                whole.pipeline,
                whole.version,
                whole.gitCommit,
                whole.trigger,
                whole.logicalTime,
                cut,
                whole.state,
                whole.createdAt,
                whole.startedAt,
                whole.endedAt,
                whole.durationMs,
                whole.error,
                whole.backfillId,
                whole.event,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    public static RunView of(RunRecord r) {
        return new RunView(
                r.runId(),
                r.pipelineId(),
                r.contentHash(),
                r.gitCommit().orElse(null),
                r.trigger().dbName(),
                Views.time(r.logicalTime()),
                r.params(),
                r.state().name(),
                Views.time(r.createdAt()),
                Views.time(r.startedAt()),
                Views.time(r.endedAt()),
                Views.durationMillis(r.startedAt(), r.endedAt()),
                r.error().orElse(null),
                r.backfillId().orElse(null),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    public static RunView withTasks(
            RunRecord r, List<TaskRunRecord> taskRuns, List<AttemptRecord> attempts, List<RepairRecord> repairs) {
        return withTasks(r, taskRuns, attempts, repairs, Map.of(), ApplicationLinks.NONE, Map.of());
    }

    public static RunView withTasks(
            RunRecord r,
            List<TaskRunRecord> taskRuns,
            List<AttemptRecord> attempts,
            List<RepairRecord> repairs,
            Map<String, String> remoteIds,
            ApplicationLinks links) {
        return withTasks(r, taskRuns, attempts, repairs, remoteIds, links, Map.of());
    }

    /**
     * @param remoteIds attempt id to the id a cluster knows it by, for attempts that ran remotely
     * @param links     where each attempt's Spark application is shown
     * @param children  attempt id to the run it made, for run_pipeline attempts
     */
    public static RunView withTasks(
            RunRecord r,
            List<TaskRunRecord> taskRuns,
            List<AttemptRecord> attempts,
            List<RepairRecord> repairs,
            Map<String, String> remoteIds,
            ApplicationLinks links,
            Map<String, RunRecord> children) {
        List<TaskRunView> tasks = new ArrayList<>();
        for (TaskRunRecord t : grouped(taskRuns)) {
            List<AttemptView> own = attempts.stream()
                    .filter(a -> a.taskId().equals(t.taskId()))
                    .map(a -> AttemptView.of(a, remoteIds.get(a.attemptId()), links)
                            .withChildRun(Optional.ofNullable(children.get(a.attemptId()))
                                    .map(ChildRunView::of)
                                    .orElse(null)))
                    .toList();
            // a run_pipeline task shows the run its last attempt made
            ChildRunView child = own.stream()
                    .map(AttemptView::childRun)
                    .filter(c -> c != null)
                    .reduce((first, second) -> second)
                    .orElse(null);
            // The task's values and outcome are those of its last attempt that succeeded: what later tasks read.
            Optional<AttemptView> succeeded = own.stream()
                    .filter(a -> a.state().equals(TaskState.SUCCEEDED.name()))
                    .reduce((first, second) -> second);
            tasks.add(new TaskRunView(
                    t.taskId(),
                    t.state().name(),
                    t.attempts(),
                    Views.time(t.startedAt()),
                    Views.time(t.endedAt()),
                    Views.time(t.nextAttemptAt()),
                    t.error().orElse(null),
                    succeeded.map(AttemptView::values).orElse(null),
                    succeeded.map(AttemptView::outcome).orElse(null),
                    child,
                    t.forEachTask().orElse(null),
                    t.item()
                            .map(json -> TaskValuesJson.decode(json).get("item"))
                            .orElse(null),
                    own));
        }
        return of(r).with(null, null, repairs.stream().map(RepairView::of).toList(), tasks, null, null, null);
    }

    /** The task runs with each for-each's iterations right after it, in index order; the others as given. */
    private static List<TaskRunRecord> grouped(List<TaskRunRecord> taskRuns) {
        Map<String, List<TaskRunRecord>> iterations = new java.util.HashMap<>();
        List<TaskRunRecord> out = new ArrayList<>();
        for (TaskRunRecord t : taskRuns) {
            t.forEachTask()
                    .ifPresent(f -> iterations
                            .computeIfAbsent(f, k -> new ArrayList<>())
                            .add(t));
        }
        iterations.values().forEach(list -> list.sort(java.util.Comparator.comparingInt(t -> index(t.taskId()))));
        for (TaskRunRecord t : taskRuns) {
            if (t.forEachTask().isEmpty()) {
                out.add(t);
                out.addAll(iterations.getOrDefault(t.taskId(), List.of()));
            } else if (taskRuns.stream()
                    .noneMatch(p -> p.taskId().equals(t.forEachTask().get()))) {
                out.add(t); // its for-each task is not in the list: shown where it sorts
            }
        }
        return out;
    }

    private static int index(String iterationId) {
        try {
            int open = iterationId.lastIndexOf('[');
            return Integer.parseInt(iterationId.substring(open + 1, iterationId.indexOf(']', open)));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** This view with who did what to the run (the audit log's rows whose target is the run), oldest first. */
    public RunView withAudit(List<AuthViews.AuditView> entries) {
        return with(event, upstreamRuns, repairs, tasks, entries, files, parentRun);
    }

    /** This view with what fired the run, when an inbound event did: its Idempotency-Key or event id. */
    public RunView withEvent(Optional<String> fired) {
        return with(fired.orElse(null), upstreamRuns, repairs, tasks, audit, files, parentRun);
    }

    /** This view with the files that started the run, when a files trigger did. */
    public RunView withFiles(List<TriggerFile> started) {
        return with(
                event,
                upstreamRuns,
                repairs,
                tasks,
                audit,
                started.isEmpty()
                        ? null
                        : started.stream().map(TriggerFileView::of).toList(),
                parentRun);
    }

    /** This view with the run whose run_pipeline task made it, if one did. */
    public RunView withParentRun(Optional<RunLink> parent) {
        return with(
                event,
                upstreamRuns,
                repairs,
                tasks,
                audit,
                files,
                parent.map(p -> new ParentRunView(p.pipelineId(), p.runId(), p.taskId(), p.attemptId()))
                        .orElse(null));
    }

    /** This view with the upstream runs that made it, when {@code trigger: {after: ...}} did. */
    public RunView withUpstreamRuns(List<UpstreamRunView> made) {
        return with(event, made.isEmpty() ? null : List.copyOf(made), repairs, tasks, audit, files, parentRun);
    }

    /** The same run with other parts beyond its row. */
    private RunView with(
            String fired,
            List<UpstreamRunView> upstream,
            List<RepairView> repaired,
            List<TaskRunView> taskRuns,
            List<AuthViews.AuditView> entries,
            List<TriggerFileView> started,
            ParentRunView parent) {
        return new RunView(
                runId,
                pipeline,
                version,
                gitCommit,
                trigger,
                logicalTime,
                params,
                state,
                createdAt,
                startedAt,
                endedAt,
                durationMs,
                error,
                backfillId,
                fired,
                upstream,
                repaired,
                taskRuns,
                entries,
                started,
                parent);
    }

    /** A file that started the run, as the files trigger saw it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TriggerFileView(String path, long size, String modifiedAt) {
        static TriggerFileView of(TriggerFile file) {
            return new TriggerFileView(file.path(), file.size(), Views.time(file.modifiedAt()));
        }
    }

    /** An upstream run that a {@code trigger: {after: ...}} run waited for: the pipeline, its run and that run's state. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UpstreamRunView(String pipeline, String runId, String state) {}

    /** The run whose run_pipeline task made this run: its pipeline, run, task and the attempt that made it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ParentRunView(String pipeline, String runId, String taskId, String attemptId) {}

    /** The run a run_pipeline attempt made: its pipeline, run id and state. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ChildRunView(String pipeline, String runId, String state) {
        static ChildRunView of(RunRecord r) {
            return new ChildRunView(r.pipelineId(), r.runId(), r.state().name());
        }
    }

    /** One repair of the run: when, with which definition, and which tasks it ran again. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RepairView(int repair, String requestedAt, String version, String contentHash, List<String> tasks) {
        public static RepairView of(RepairRecord r) {
            return new RepairView(
                    r.repairNumber(), Views.time(r.requestedAt()), r.version(), r.contentHash(), r.tasks());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskRunView(
            String taskId,
            String state,
            int attemptCount,
            String startedAt,
            String endedAt,
            String nextAttemptAt,
            String error,
            @JsonRawValue String values,
            Boolean outcome,
            ChildRunView childRun,
            /* for a for-each iteration, its for-each task and its item */
            String forEach,
            Object item,
            List<AttemptView> attempts) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AttemptView(
            String attemptId,
            int attempt,
            int repair,
            String executor,
            String state,
            String sparkAppId,
            String sparkAppUrl,
            String remoteId,
            String queuedAt,
            String startedAt,
            String endedAt,
            Long durationMs,
            String error,
            String rendered,
            SparkMetrics sparkMetrics,
            @JsonRawValue String values,
            Boolean outcome,
            ChildRunView childRun) {
        static AttemptView of(AttemptRecord a, String remoteId, ApplicationLinks links) {
            return new AttemptView(
                    a.attemptId(),
                    a.attemptNumber(),
                    a.repairNumber(),
                    a.executor(),
                    a.state().name(),
                    a.sparkAppId().orElse(null),
                    a.sparkAppId().flatMap(id -> links.url(a.executor(), id)).orElse(null),
                    remoteId,
                    Views.time(a.queuedAt()),
                    Views.time(a.startedAt()),
                    Views.time(a.endedAt()),
                    Views.durationMillis(a.startedAt(), a.endedAt()),
                    a.error().orElse(null),
                    a.rendered().orElse(null),
                    a.sparkMetrics().flatMap(AttemptView::metrics).orElse(null),
                    a.values().orElse(null),
                    a.outcome().orElse(null),
                    null);
        }

        AttemptView withChildRun(ChildRunView child) {
            return new AttemptView(
                    attemptId,
                    attempt,
                    repair,
                    executor,
                    state,
                    sparkAppId,
                    sparkAppUrl,
                    remoteId,
                    queuedAt,
                    startedAt,
                    endedAt,
                    durationMs,
                    error,
                    rendered,
                    sparkMetrics,
                    values,
                    outcome,
                    child);
        }

        /** Stored metrics a newer or broken writer left unreadable are left out, not an error of the whole run. */
        static Optional<SparkMetrics> metrics(String json) {
            try {
                return Optional.of(SparkMetrics.fromJson(json));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
