package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.scheduler.model.RunRecord;

/** A run as one square of the pipelines list's grid: enough to colour it, label it and link to it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RecentRunView(
        String runId,
        String state,
        String trigger,
        String logicalTime,
        String createdAt,
        String startedAt,
        String endedAt,
        Long durationMs) {
    public static RecentRunView of(RunRecord r) {
        return new RecentRunView(
                r.runId(),
                r.state().name(),
                r.trigger().dbName(),
                Views.time(r.logicalTime()),
                Views.time(r.createdAt()),
                Views.time(r.startedAt()),
                Views.time(r.endedAt()),
                Views.durationMillis(r.startedAt(), r.endedAt()));
    }
}
