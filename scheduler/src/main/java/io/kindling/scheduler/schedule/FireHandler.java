package io.kindling.scheduler.schedule;

import io.kindling.dsl.Pipeline;
import java.time.Instant;
import java.util.List;

/**
 * Receives a schedule's fire: the pipelines that have that schedule when it fires, and the time it was scheduled
 * for. It runs on a Quartz worker thread, so it should do its work for all of them together, not one by one.
 */
@FunctionalInterface
public interface FireHandler {
    void fire(List<Pipeline> pipelines, Instant scheduledTime);
}
