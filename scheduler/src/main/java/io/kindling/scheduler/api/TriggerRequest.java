package io.kindling.scheduler.api;

import java.util.Map;

/** Body of {@code POST /pipelines/{id}/runs}: parameters that override the pipeline's {@code params}. */
public record TriggerRequest(Map<String, Object> params) {}
