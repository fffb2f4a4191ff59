package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import io.kindling.dsl.Pipeline;
import java.time.Instant;

/** A scheduled run to create: the pipeline (as it is now) and the cron time it is for. */
public record ScheduledRun(Pipeline pipeline, Instant logicalTime) {
    public ScheduledRun {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(logicalTime, "logicalTime is null");
    }
}
