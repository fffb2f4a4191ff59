package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.LateRunView;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.db.AlertCheckDao;
import io.kindling.scheduler.db.AlertCheckDao.DeadlineMark;
import io.kindling.scheduler.db.AlertCheckDao.TimedRun;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The scheduled times still late: a deadline alert ({@code run_late}, {@code run_start_late}) raised in the last 24
 * hours for a time that has no succeeded run yet. The dashboard's home lists them.
 */
@Path("/api/v1/late-runs")
@Produces(MediaType.APPLICATION_JSON)
public class LateRunsResource {
    static final Duration LOOKBACK = Duration.ofHours(24);

    private final AlertCheckDao dao;
    private final Clock clock;

    public LateRunsResource(AlertCheckDao dao, Clock clock) {
        this.dao = dao;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public LateRunView.Page late(@Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        List<DeadlineMark> marks = dao.deadlineMarks(clock.instant().minus(LOOKBACK)).stream()
                .filter(m -> caller.mayAccess(m.pipelineId()))
                .toList();
        if (marks.isEmpty()) {
            return new LateRunView.Page(List.of());
        }
        Map<String, List<TimedRun>> runs = dao
                .runsAt(
                        marks.stream().map(DeadlineMark::pipelineId).distinct().toList(),
                        marks.stream().map(DeadlineMark::logicalTime).distinct().toList())
                .stream()
                .collect(Collectors.groupingBy(
                        r -> r.pipelineId() + "@" + r.logicalTime().toEpochMilli()));
        // one line per pipeline and time: run_late says more than run_start_late for the same time
        Map<String, DeadlineMark> byTime = marks.stream()
                .collect(Collectors.toMap(
                        m -> m.pipelineId() + "@" + m.logicalTime().toEpochMilli(),
                        m -> m,
                        (a, b) -> a.alert().equals("run_late") ? a : b));
        List<LateRunView> late = byTime.entrySet().stream()
                .map(e -> {
                    List<TimedRun> atTime = runs.getOrDefault(e.getKey(), List.of());
                    if (atTime.stream().anyMatch(r -> r.state().equals("SUCCEEDED"))) {
                        return null; // late, but done now
                    }
                    Optional<TimedRun> newest = atTime.stream()
                            .max(Comparator.comparing(r -> r.startedAt().orElse(java.time.Instant.MIN)));
                    return LateRunView.of(e.getValue(), newest.map(TimedRun::runId), newest.map(TimedRun::state));
                })
                .filter(java.util.Objects::nonNull)
                .sorted(Comparator.comparing(LateRunView::raisedAt).reversed())
                .toList();
        return new LateRunView.Page(late);
    }
}
