package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.executor.SparkMetrics;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.TaskRunRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A pipeline's grid: its newest runs (newest first) as columns and its tasks as rows, with one cell per task run:
 * enough to colour each cell, say its attempts and duration, and open its latest attempt's log.
 *
 * @param tasks the tasks of the definition in force, in its order, then any others the runs had
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GridView(String pipeline, String timezone, List<String> tasks, List<Column> runs) {

    /** @param cells task id to its cell; a task the run did not have (an older definition) has none */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(
            String runId,
            String state,
            String trigger,
            String logicalTime,
            String createdAt,
            String startedAt,
            String endedAt,
            Long durationMs,
            Map<String, Cell> cells) {}

    /**
     * @param attempts how many attempts the task made in the run, repairs included
     * @param attempt  the latest attempt's number (what {@code /runs/{runId}/tasks/{taskId}/log?attempt=} takes),
     *                 absent before the first attempt
     * @param inputRecords  the latest attempt's Spark figures, for the pipeline page's trends: absent when its
     *                      executor gave none
     * @param spillBytes    its disk spill
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cell(
            String state,
            int attempts,
            Integer attempt,
            String startedAt,
            String endedAt,
            Long durationMs,
            Long inputRecords,
            Long outputRecords,
            Long spillBytes) {}

    /**
     * @param definitionTasks the task ids of the definition in force, in order (empty when it is not loaded)
     * @param runs            the runs, newest first
     */
    public static GridView of(
            String pipeline,
            String timezone,
            List<String> definitionTasks,
            List<RunRecord> runs,
            List<TaskRunRecord> taskRuns,
            List<AttemptRecord> attempts) {
        Map<String, Map<String, TaskRunRecord>> byRun = new LinkedHashMap<>();
        for (TaskRunRecord t : taskRuns) {
            byRun.computeIfAbsent(t.runId(), k -> new LinkedHashMap<>()).put(t.taskId(), t);
        }
        Map<String, List<AttemptRecord>> attemptsOf = new LinkedHashMap<>();
        for (AttemptRecord a : attempts) {
            attemptsOf
                    .computeIfAbsent(a.runId() + "/" + a.taskId(), k -> new ArrayList<>())
                    .add(a);
        }
        Set<String> tasks = new LinkedHashSet<>(definitionTasks);
        taskRuns.stream().map(TaskRunRecord::taskId).sorted().forEach(tasks::add);
        List<Column> columns = new ArrayList<>();
        for (RunRecord r : runs) {
            Map<String, Cell> cells = new LinkedHashMap<>();
            byRun.getOrDefault(r.runId(), Map.of()).forEach((taskId, t) -> {
                List<AttemptRecord> own = attemptsOf.getOrDefault(r.runId() + "/" + taskId, List.of());
                Optional<AttemptRecord> last = own.stream().max(Comparator.comparingInt(AttemptRecord::attemptNumber));
                Integer latest = last.map(AttemptRecord::attemptNumber).orElse(null);
                SparkMetrics metrics = last.flatMap(AttemptRecord::sparkMetrics)
                        .flatMap(RunView.AttemptView::metrics)
                        .orElse(null);
                cells.put(
                        taskId,
                        new Cell(
                                t.state().name(),
                                own.size(),
                                latest,
                                Views.time(t.startedAt()),
                                Views.time(t.endedAt()),
                                Views.durationMillis(t.startedAt(), t.endedAt()),
                                metrics == null ? null : metrics.inputRecords(),
                                metrics == null ? null : metrics.outputRecords(),
                                metrics == null ? null : metrics.diskSpillBytes()));
            });
            columns.add(new Column(
                    r.runId(),
                    r.state().name(),
                    r.trigger().dbName(),
                    Views.time(r.logicalTime()),
                    Views.time(r.createdAt()),
                    Views.time(r.startedAt()),
                    Views.time(r.endedAt()),
                    Views.durationMillis(r.startedAt(), r.endedAt()),
                    cells));
        }
        return new GridView(pipeline, timezone, List.copyOf(tasks), columns);
    }
}
