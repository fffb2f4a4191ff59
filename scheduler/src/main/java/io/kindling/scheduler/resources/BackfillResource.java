package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.BackfillView;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.db.RunQueries;
import io.kindling.scheduler.model.BackfillRecord;
import io.kindling.scheduler.model.RunState;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** A backfill's progress: how many of its runs are in each state, and whether all have finished. */
@Path("/api/v1/backfills")
@Produces(MediaType.APPLICATION_JSON)
public class BackfillResource {
    private final RunQueries runs;

    public BackfillResource(RunQueries runs) {
        this.runs = runs;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.VIEWER_NAME)
    public BackfillView get(@PathParam("id") String id, @Context ContainerRequestContext request) {
        BackfillRecord b =
                runs.findBackfill(id).orElseThrow(() -> new NotFoundException("backfill '" + id + "' not found"));
        Callers.requirePipeline(Callers.principal(request), b.pipelineId(), "backfill '" + id + "'");
        return view(runs, b);
    }

    /** A backfill with its runs' progress by state, as {@code GET /backfills/{id}} answers. */
    static BackfillView view(RunQueries runs, BackfillRecord b) {
        String id = b.backfillId();
        Map<String, Integer> states = new LinkedHashMap<>();
        int total = 0;
        boolean done = true;
        for (Map.Entry<RunState, Integer> e : runs.backfillProgress(id).entrySet()) {
            states.put(e.getKey().name(), e.getValue());
            total += e.getValue();
            done &= e.getKey().terminal();
        }
        return new BackfillView(
                b.backfillId(),
                b.pipelineId(),
                b.from().toString(),
                b.to().toString(),
                b.maxActiveRuns(),
                false,
                null,
                null,
                total,
                states,
                done);
    }
}
