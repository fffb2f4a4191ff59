package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.AuthViews;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.PipelinePattern;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.auth.UserRecord;
import io.kindling.scheduler.auth.UserStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Dashboard users (username and password), for admins; restricted callers cannot manage them. */
@Path("/api/v1/users")
@Produces(MediaType.APPLICATION_JSON)
public class UserResource {
    private final UserStore users;
    private final AuditLog audit;

    public UserResource(UserStore users, AuditLog audit) {
        this.users = users;
        this.audit = audit;
    }

    /** 201 with the user; 400 for a bad username, role or a password under 12 characters; 409 if taken. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    public Response create(AuthViews.UserRequest body, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requireUnrestricted(caller);
        if (body == null) {
            throw new BadRequestException("username, password and role are required");
        }
        Role role = TokenResource.role(body.role());
        Optional<PipelinePattern> pipelines = TokenResource.pattern(body.pipelines());
        UserRecord user;
        try {
            user = users.create(body.username(), body.password(), role, pipelines, caller.actor());
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        } catch (IllegalStateException e) {
            throw new ClientErrorException(e.getMessage(), Response.Status.CONFLICT);
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("username", user.username());
        detail.put("role", role.wireName());
        pipelines.ifPresent(p -> detail.put("pipelines", p.glob()));
        audit.record(caller, AuditLog.USER_CREATE, user.id(), detail, Callers.remoteAddress(request));
        return Response.created(URI.create("/api/v1/users/" + user.id()))
                .entity(AuthViews.UserView.of(user))
                .build();
    }

    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    public AuthViews.UserList list(@Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        return new AuthViews.UserList(
                users.list().stream().map(AuthViews.UserView::of).toList());
    }
}
