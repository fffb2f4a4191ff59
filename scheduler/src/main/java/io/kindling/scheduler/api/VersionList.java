package io.kindling.scheduler.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** Every stored version of a pipeline, newest first; {@code current} marks the one loaded now. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record VersionList(String pipeline, List<PipelineView.VersionView> versions) {}
