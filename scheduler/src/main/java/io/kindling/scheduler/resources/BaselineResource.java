package io.kindling.scheduler.resources;

import io.kindling.dsl.DurationAnomaly;
import io.kindling.dsl.Pipeline;
import io.kindling.scheduler.alerts.AlertChecks;
import io.kindling.scheduler.api.BaselineView;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.config.AlertingConfig;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.db.AlertCheckDao;
import io.kindling.scheduler.db.AlertCheckDao.Baseline;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** A pipeline's learned duration baseline (docs/alerts.md#deadlines-and-baselines), for the dashboard's chart. */
@Path("/api/v1/pipelines")
@Produces(MediaType.APPLICATION_JSON)
public class BaselineResource {
    private final PipelineRegistry registry;
    private final AlertCheckDao dao;
    private final AlertingConfig alerting;
    private final Clock clock;

    public BaselineResource(PipelineRegistry registry, AlertCheckDao dao, AlertingConfig alerting, Clock clock) {
        this.registry = registry;
        this.dao = dao;
        this.alerting = alerting;
        this.clock = clock;
    }

    @GET
    @Path("/{id}/baseline")
    @RolesAllowed(Role.VIEWER_NAME)
    public BaselineView baseline(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Callers.requirePipeline(Callers.principal(request), id, "pipeline '" + id + "'");
        Pipeline p = registry.get(id).orElseThrow(() -> new NotFoundException("unknown pipeline '" + id + "'"));
        List<Baseline> all = dao.baselinesOf(
                id,
                alerting.getBaselineRuns(),
                clock.instant().minus(alerting.getBaselineWindow().toJavaDuration()));
        Optional<Baseline> run = all.stream().filter(b -> b.taskId().isEmpty()).findFirst();
        Optional<DurationAnomaly> anomaly = p.alerts().durationAnomaly();
        List<BaselineView.TaskBaseline> tasks = all.stream()
                .filter(b -> !b.taskId().isEmpty())
                .map(b -> new BaselineView.TaskBaseline(
                        b.taskId(), b.runs(), b.p95().toMillis()))
                .toList();
        return new BaselineView(
                id,
                run.map(Baseline::runs).orElse(0),
                run.map(b -> b.p95().toMillis()).orElse(null),
                anomaly.map(DurationAnomaly::k).orElse(null),
                anomaly.map(DurationAnomaly::minRuns).orElse(null),
                run.flatMap(b -> anomaly.map(a -> AlertChecks.threshold(b, a).toMillis()))
                        .orElse(null),
                tasks);
    }
}
