package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A backfill: what it covers, its logical times (when just created or a dry run), the times it passed over
 * because they already have a run, and how far its runs have got.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackfillView(
        String backfillId,
        String pipeline,
        String from,
        String to,
        int maxActiveRuns,
        boolean dryRun,
        List<String> logicalTimes,
        List<ExistingRun> skipped,
        Integer runs,
        Map<String, Integer> states,
        Boolean done) {

    /** A logical time in range that already has a run that succeeded or is under way, so it is not run again. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ExistingRun(String logicalTime, String runId, String trigger, String state) {}
}
