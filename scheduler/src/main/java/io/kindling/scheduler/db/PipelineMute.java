package io.kindling.scheduler.db;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A pipeline's alerts off until a time: a row of {@code pipeline_mutes}.
 *
 * @param mutedBy the caller's actor name (token or user), as the audit log has it
 */
public record PipelineMute(
        String pipelineId, Instant mutedUntil, String mutedBy, Optional<String> reason, Instant createdAt) {
    public PipelineMute {
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(mutedUntil, "mutedUntil is null");
        requireNonNull(mutedBy, "mutedBy is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    public boolean activeAt(Instant now) {
        return now.isBefore(mutedUntil);
    }
}
