package io.kindling.scheduler.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Every loaded pipeline, and every file that failed to load with its problems ({@code file:line:column: message}).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PipelineList(List<PipelineView> pipelines, List<LoadError> loadErrors) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LoadError(String file, List<String> problems) {}
}
