package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** One row of {@code backfills}: runs for the scheduled times in {@code [from, to]}, in a lane of their own. */
public record BackfillRecord(
        String backfillId, String pipelineId, Instant from, Instant to, int maxActiveRuns, Instant createdAt) {
    public BackfillRecord {
        requireNonNull(backfillId, "backfillId is null");
        requireNonNull(pipelineId, "pipelineId is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(createdAt, "createdAt is null");
        if (maxActiveRuns < 1) {
            throw new IllegalArgumentException("maxActiveRuns must be at least 1");
        }
    }
}
