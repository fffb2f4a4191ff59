package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;

/**
 * One row of {@code runs}.
 *
 * @param contentHash the definition version the run was created with (a repair may use another: see repairs)
 * @param backfillId  the backfill that made the run, for trigger BACKFILL
 */
public record RunRecord(
        String runId,
        String pipelineId,
        String contentHash,
        Optional<String> gitCommit,
        TriggerType trigger,
        Instant logicalTime,
        Map<String, String> params,
        RunState state,
        Instant createdAt,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        Optional<String> error,
        Optional<String> backfillId) {

    public RunRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(contentHash, "contentHash is null");
        requireNonNull(gitCommit, "gitCommit is null");
        requireNonNull(trigger, "trigger is null");
        requireNonNull(logicalTime, "logicalTime is null");
        params = Map.copyOf(params);
        requireNonNull(state, "state is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(error, "error is null");
        requireNonNull(backfillId, "backfillId is null");
    }

    /**
     * A new run, QUEUED and not started: what a trigger, a cron fire and a backfill create. Its logical time is kept
     * to the millisecond, as the history stores it.
     */
    public static RunRecord queued(
            String runId,
            String pipelineId,
            String contentHash,
            Optional<String> gitCommit,
            TriggerType trigger,
            Instant logicalTime,
            Map<String, String> params,
            Instant createdAt,
            Optional<String> backfillId) {
        return new RunRecord(
                runId,
                pipelineId,
                contentHash,
                gitCommit,
                trigger,
                logicalTime.truncatedTo(ChronoUnit.MILLIS),
                params,
                RunState.QUEUED,
                createdAt,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                backfillId);
    }

    public RunRecord withState(RunState newState) {
        return new RunRecord(
                runId,
                pipelineId,
                contentHash,
                gitCommit,
                trigger,
                logicalTime,
                params,
                newState,
                createdAt,
                startedAt,
                endedAt,
                error,
                backfillId);
    }
}
