package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.scheduler.db.AlertCheckDao.DeadlineMark;
import java.util.List;
import java.util.Optional;

/**
 * A scheduled time whose deadline passed without a succeeded run: {@code alert} is the deadline alert raised,
 * {@code run_id}/{@code state} its newest run when one was created, {@code message} a line for people.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LateRunView(
        String pipeline,
        String alert,
        String logicalTime,
        String raisedAt,
        String runId,
        String state,
        String message) {

    /** {@code GET /api/v1/late-runs}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Page(List<LateRunView> lateRuns) {}

    static String message(String alert, Optional<String> state) {
        String what = alert.equals("run_start_late") ? "not started by its deadline" : "not done by its deadline";
        return state.map(s -> what + ", run " + s.toLowerCase(java.util.Locale.ROOT))
                .orElse(what + ", no run was created");
    }

    public static LateRunView of(DeadlineMark mark, Optional<String> runId, Optional<String> state) {
        return new LateRunView(
                mark.pipelineId(),
                mark.alert(),
                Views.time(mark.logicalTime()),
                Views.time(mark.raisedAt()),
                runId.orElse(null),
                state.orElse(null),
                message(mark.alert(), state));
    }
}
