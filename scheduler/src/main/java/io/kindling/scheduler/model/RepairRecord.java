package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * One row of {@code run_repairs}.
 *
 * @param version "original" (the run's own definition) or "current" (the definition loaded when repaired)
 * @param tasks   the tasks the repair ran again, in DAG order
 */
public record RepairRecord(
        String runId, int repairNumber, String contentHash, String version, List<String> tasks, Instant requestedAt) {
    public RepairRecord {
        requireNonNull(runId, "runId is null");
        requireNonNull(contentHash, "contentHash is null");
        requireNonNull(version, "version is null");
        tasks = List.copyOf(tasks);
        requireNonNull(requestedAt, "requestedAt is null");
    }
}
