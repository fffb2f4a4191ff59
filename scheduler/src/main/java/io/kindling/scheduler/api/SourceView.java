package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.scheduler.sources.SourceStatus;
import java.util.List;

/** A source of pipeline files and how its last check went. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceView(
        String name,
        String type,
        String location,
        String commit,
        String lastSync,
        String lastReload,
        String error,
        int pipelines,
        int filesWithProblems) {

    public static SourceView of(SourceStatus s, int pipelines, int filesWithProblems) {
        return new SourceView(
                s.name(),
                s.type(),
                s.location(),
                s.commit().orElse(null),
                Views.time(s.lastSync()),
                Views.time(s.lastReload()),
                s.error().orElse(null),
                pipelines,
                filesWithProblems);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Sources(List<SourceView> sources) {}
}
