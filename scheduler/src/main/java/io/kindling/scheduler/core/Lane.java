package io.kindling.scheduler.core;

import io.kindling.dsl.Pipeline;

/**
 * Where a run waits its turn. Scheduled and manual runs share their pipeline's lane (max_active_runs); each
 * backfill has a lane of its own with its own limit, so a backfill never holds back the pipeline's schedule.
 */
record Lane(String key, int maxActive, boolean backfill) {
    static Lane of(Pipeline pipeline) {
        return new Lane("pipeline:" + pipeline.id(), pipeline.maxActiveRuns(), false);
    }

    static Lane backfill(String backfillId, int maxActive) {
        return new Lane("backfill:" + backfillId, maxActive, true);
    }
}
