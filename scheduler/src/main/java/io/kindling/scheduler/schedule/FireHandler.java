package io.kindling.scheduler.schedule;

import java.time.Instant;

/** Receives a pipeline's scheduled fire; must return quickly (it runs on a Quartz worker thread). */
@FunctionalInterface
public interface FireHandler {
    void fire(String pipelineId, Instant scheduledTime);
}
