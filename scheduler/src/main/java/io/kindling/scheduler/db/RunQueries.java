package io.kindling.scheduler.db;

import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.FileTriggerState;
import io.kindling.scheduler.model.RepairRecord;
import io.kindling.scheduler.model.RunLink;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TaskRunRecord;
import io.kindling.scheduler.model.TaskState;
import io.kindling.scheduler.model.TriggerFile;
import io.kindling.scheduler.model.TriggerType;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads of the run history, for the API, the ticker, the alerts and the engine's recovery. Writing is the engine's
 * alone, through {@link RunStore}.
 */
public interface RunQueries {
    Optional<RunRecord> findRun(String runId);

    /** A page of runs newest first, keyset-paged: {@code before} is the last run id of the previous page. */
    List<RunRecord> listRuns(RunFilter filter, Optional<String> before, int limit);

    default List<RunRecord> listRuns(
            Optional<String> pipelineId, Optional<RunState> state, Optional<String> before, int limit) {
        return listRuns(
                new RunFilter(pipelineId, state, Optional.empty(), Optional.empty(), Optional.empty()), before, limit);
    }

    /** The newest {@code perPipeline} runs of each of the given pipelines (every one a key), newest first. */
    Map<String, List<RunRecord>> recentRuns(Collection<String> pipelineIds, int perPipeline);

    /** The run's task runs by task id. */
    List<TaskRunRecord> taskRuns(String runId);

    /** The run's attempts by task id, then attempt number. */
    List<AttemptRecord> attempts(String runId);

    /** The task runs of several runs (a pipeline's grid), by run id then task id. */
    default List<TaskRunRecord> taskRuns(Collection<String> runIds) {
        return runIds.stream()
                .sorted()
                .distinct()
                .flatMap(id -> taskRuns(id).stream())
                .toList();
    }

    /** The attempts of several runs (a pipeline's grid), by run id, task id, then attempt number. */
    default List<AttemptRecord> attempts(Collection<String> runIds) {
        return runIds.stream()
                .sorted()
                .distinct()
                .flatMap(id -> attempts(id).stream())
                .toList();
    }

    List<AttemptRecord> attemptsInState(TaskState state);

    /** The run's repairs, oldest first. */
    List<RepairRecord> repairs(String runId);

    /** The remote ids (a cluster's driver or operation id) of the run's attempts, by attempt id. */
    Map<String, String> remoteIdsOfRun(String runId);

    Optional<BackfillRecord> findBackfill(String backfillId);

    /** How many of the backfill's runs are in each state. */
    Map<RunState, Integer> backfillProgress(String backfillId);

    /** The pipeline's manual runs waiting in the queue. */
    int queuedManualRuns(String pipelineId);

    /** The pipeline's backfills that still have a queued or running run. */
    int activeBackfills(String pipelineId);

    /** Scheduled and backfill runs of a pipeline whose logical times lie in {@code [from, to]}, oldest first. */
    List<RunRecord> timedRuns(String pipelineId, Instant from, Instant to);

    /** The pipeline's runs, whatever made them, with a logical time in [from, to), oldest first. */
    List<RunRecord> runsBetween(String pipelineId, Instant from, Instant to);

    /** The pipeline's runs that ended at or after {@code since}, in the order they ended. */
    List<RunRecord> runsEndedSince(String pipelineId, Instant since);

    /** What fired a run made by an inbound event: its Idempotency-Key or the id the daemon gave the event. */
    Optional<String> triggerEvent(String runId);

    /** What an unexpired Idempotency-Key's first request made (a run or backfill id), if the key is held. */
    Optional<String> heldBy(String scope, String key, Instant now);

    /** The key a run was made under ({@link RunStore#insertKeyedRun}), if it was. */
    Optional<String> runKey(String pipelineId, String runId);

    /** What the pipeline's files trigger has fired for so far ({@link FileTriggerState#NONE} before its first run). */
    FileTriggerState fileTriggerState(String pipelineId);

    /** The files that started a run (trigger {@code files}), by path; empty for other runs. */
    List<TriggerFile> triggerFiles(String runId);

    /** The run and task whose {@code run_pipeline} attempt made this run, if one did. */
    Optional<RunLink> parentOf(String runId);

    /** The runs the run's {@code run_pipeline} attempts made, by attempt id. */
    Map<String, RunRecord> childRuns(String runId);

    /** The pipeline's run made under {@code key} ({@link RunStore#insertKeyedRun}). */
    Optional<RunRecord> runByKey(String pipelineId, String key);

    /** Logical times in {@code [from, to]} with a backfill run that succeeded or is under way. */
    default Set<Instant> backfilledTimes(String pipelineId, Instant from, Instant to) {
        Set<Instant> times = new HashSet<>();
        for (RunRecord run : timedRuns(pipelineId, from, to)) {
            if (run.trigger() == TriggerType.BACKFILL
                    && run.state() != RunState.FAILED
                    && run.state() != RunState.CANCELLED) {
                times.add(run.logicalTime());
            }
        }
        return times;
    }

    /** {@link #backfilledTimes(String, Instant, Instant)} for many pipelines: those with none are left out. */
    Map<String, Set<Instant>> backfilledTimes(Collection<String> pipelineIds, Instant from, Instant to);

    /** The state of the pipeline's newest finished (SUCCEEDED or FAILED) run before {@code runId}, if any. */
    Optional<RunState> previousFinishedState(String pipelineId, String runId);

    /**
     * The states of the pipeline's newest {@code limit} finished (SUCCEEDED or FAILED) runs before {@code runId},
     * newest first: a failure streak is its leading FAILED.
     */
    List<RunState> previousFinishedStates(String pipelineId, String runId, int limit);

    /**
     * The Spark metrics (as stored, JSON) of the task's successful attempts that have them, in the pipeline's newest
     * {@code limit} such runs before {@code runId}, newest first: a task's recent output, for volume checks.
     */
    List<String> previousSuccessfulMetrics(String pipelineId, String taskId, String runId, int limit);
}
