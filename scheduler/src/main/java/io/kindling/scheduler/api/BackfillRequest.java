package io.kindling.scheduler.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Body of {@code POST /pipelines/{id}/backfill}. {@code from} and {@code to} are dates ({@code 2026-10-01}, whole
 * days in the schedule's zone) or instants ({@code 2026-10-01T06:00:00Z}), both ends included.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BackfillRequest(String from, String to, Integer maxActiveRuns, Boolean dryRun) {}
