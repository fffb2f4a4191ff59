package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.SourceView;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.core.PipelineRegistry;
import io.kindling.scheduler.sources.SourceManager;
import io.kindling.scheduler.sources.SourceStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Collectors;

/** Where pipelines come from, and a way to pull them now (a CI job calls sync after a push). */
@Path("/api/v1/sources")
@Produces(MediaType.APPLICATION_JSON)
public class SourceResource {
    private final SourceManager sources;
    private final PipelineRegistry registry;
    private final AuditLog audit;

    public SourceResource(SourceManager sources, PipelineRegistry registry, AuditLog audit) {
        this.audit = audit;
        this.sources = sources;
        this.registry = registry;
    }

    @GET
    @RolesAllowed(Role.VIEWER_NAME)
    public SourceView.Sources list(@Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        return new SourceView.Sources(
                sources.statuses().stream().map(this::view).toList());
    }

    /**
     * Fetches every source (or {@code ?source=name}) now and reloads what changed; 200 with the sources, or 502
     * when one could not be fetched (its pipelines loaded before stay).
     */
    @POST
    @Path("/sync")
    @RolesAllowed(Role.ADMIN_NAME)
    public SourceView.Sources sync(@QueryParam("source") String source, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requireUnrestricted(caller);
        List<SourceStatus> synced;
        try {
            synced = sources.sync(Optional.ofNullable(source).filter(s -> !s.isBlank()));
        } catch (NoSuchElementException e) {
            throw new NotFoundException(e.getMessage());
        }
        // recorded whether or not a fetch failed: the attempt is what someone did
        audit.record(
                caller,
                AuditLog.SOURCES_SYNC,
                source == null || source.isBlank() ? "*" : source,
                java.util.Map.of(),
                Callers.remoteAddress(request));
        String errors = synced.stream()
                .filter(s -> s.error().isPresent())
                .map(s -> "source " + s.name() + ": " + s.error().get())
                .collect(Collectors.joining("; "));
        if (!errors.isEmpty()) {
            throw new WebApplicationException(errors, 502);
        }
        return new SourceView.Sources(synced.stream().map(this::view).toList());
    }

    private SourceView view(SourceStatus s) {
        return SourceView.of(
                s, registry.count(s.name()), registry.failures(s.name()).size());
    }
}
