package io.kindling.scheduler.db;

import static java.util.Objects.requireNonNull;

import io.kindling.scheduler.model.RunState;
import io.kindling.scheduler.model.TriggerType;
import java.time.Instant;
import java.util.Optional;

/**
 * Which runs a history page shows. The creation-time range becomes a run id range (run ids are ULIDs, which
 * begin with their creation time), so every filter stays a range scan on an index ending in run_id.
 *
 * @param createdFrom  runs created at or after this instant
 * @param createdUntil runs created before this instant
 */
public record RunFilter(
        Optional<String> pipelineId,
        Optional<RunState> state,
        Optional<TriggerType> trigger,
        Optional<Instant> createdFrom,
        Optional<Instant> createdUntil) {
    public static final RunFilter ALL =
            new RunFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public RunFilter {
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(state, "state is null");
        requireNonNull(trigger, "trigger is null");
        requireNonNull(createdFrom, "createdFrom is null");
        requireNonNull(createdUntil, "createdUntil is null");
    }
}
