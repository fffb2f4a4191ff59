package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.AuthViews;
import io.kindling.scheduler.auth.AuditEntry;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Role;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;

/** The audit log, newest first: admins only (it names every caller and their addresses). */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;

    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    public AuthViews.AuditPage list(@QueryParam("limit") String limit, @QueryParam("before") String before,
                                    @QueryParam("target") String target, @Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        int size = DEFAULT_LIMIT;
        if (limit != null && !limit.isEmpty()) {
            try {
                size = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                throw new BadRequestException("limit must be an integer between 1 and " + MAX_LIMIT + ", got '"
                        + limit + "'");
            }
        }
        List<AuditEntry> page = audit.list(size, Optional.ofNullable(before).filter(s -> !s.isEmpty()),
                Optional.ofNullable(target).filter(s -> !s.isEmpty()));
        String next = page.size() == size ? page.get(page.size() - 1).id() : null;
        return new AuthViews.AuditPage(page.stream().map(AuthViews.AuditView::of).toList(), next);
    }
}
