package io.kindling.scheduler.db;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One row of {@code pipeline_schedules}.
 *
 * @param cursor the newest logical time the scheduler has dealt with (fired, or passed over without catch-up)
 */
public record ScheduleState(String pipelineId, boolean paused, Optional<Instant> pausedAt, Instant cursor) {
    public ScheduleState {
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(pausedAt, "pausedAt is null");
        requireNonNull(cursor, "cursor is null");
    }
}
