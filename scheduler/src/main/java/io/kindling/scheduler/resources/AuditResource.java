package io.kindling.scheduler.resources;

import io.dropwizard.jersey.params.NonEmptyStringParam;
import io.kindling.scheduler.api.AuthViews;
import io.kindling.scheduler.api.params.LimitParam;
import io.kindling.scheduler.auth.AuditEntry;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The audit log, newest first: admins only (it names every caller and their addresses). */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    public AuthViews.AuditPage list(
            @QueryParam("limit") @DefaultValue("") LimitParam limit,
            @QueryParam("before") @DefaultValue("") NonEmptyStringParam before,
            @QueryParam("target") @DefaultValue("") NonEmptyStringParam target,
            @Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        int size = limit.get();
        List<AuditEntry> page = audit.list(size, before.get(), target.get());
        String next = page.size() == size ? page.get(page.size() - 1).id() : null;
        return new AuthViews.AuditPage(
                page.stream().map(AuthViews.AuditView::of).toList(), next);
    }
}
