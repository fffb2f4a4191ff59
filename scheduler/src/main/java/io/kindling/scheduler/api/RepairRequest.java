package io.kindling.scheduler.api;

/** Body of {@code POST /runs/{id}/repair}: {@code version} is "original" (the default) or "current". */
public record RepairRequest(String version) {}
