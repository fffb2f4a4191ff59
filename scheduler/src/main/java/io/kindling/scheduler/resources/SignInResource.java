package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.AuthViews;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Authenticator;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.auth.SessionCookies;
import io.kindling.scheduler.auth.SessionStore;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in and out: the sign-in page's {@code POST /api/v1/login}, {@code POST /api/v1/logout}, and
 * {@code GET /api/v1/whoami}. The sign-in link {@code /login?token=} is {@link LoginPageResource}.
 */
@Path("/api/v1")
public class SignInResource {
    private final Authenticator authenticator;
    private final SessionStore sessions;
    private final AuditLog audit;
    private final boolean alwaysSecure;

    public SignInResource(Authenticator authenticator, SessionStore sessions, AuditLog audit, boolean alwaysSecure) {
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.audit = audit;
        this.alwaysSecure = alwaysSecure;
    }

    /** {@code {"token": ...}} or {@code {"username": ..., "password": ...}}: 200 with the caller and a cookie. */
    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @PermitAll
    public Response signIn(AuthViews.LoginRequest body, @Context ContainerRequestContext request) {
        Optional<Principal> who = Optional.empty();
        String claimed = "(nobody)";
        String with = "token";
        if (body != null && body.token() != null && !body.token().isEmpty()) {
            claimed = "token:(invalid)";
            who = authenticator.token(body.token());
        } else if (body != null && body.username() != null) {
            claimed = "user:" + body.username();
            with = "password";
            who = authenticator.password(body.username(), body.password());
        }
        if (who.isEmpty()) {
            audit.record(
                    claimed,
                    Optional.empty(),
                    AuditLog.LOGIN_FAILED,
                    null,
                    Map.of("with", with),
                    Callers.remoteAddress(request));
            return Response.status(Response.Status.UNAUTHORIZED)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("code", 401, "message", "wrong token, or wrong username or password"))
                    .build();
        }
        return Response.ok(AuthViews.WhoAmI.of(who.get()))
                .header(HttpHeaders.SET_COOKIE, open(who.get(), with, request))
                .build();
    }

    /** Ends the browser's session (its row is deleted, the cookie cleared); 204 whether or not there was one. */
    @POST
    @Path("logout")
    @PermitAll
    public Response logout(@Context ContainerRequestContext request) {
        SessionCookies.sessionId(request.getHeaderString(HttpHeaders.COOKIE)).ifPresent(sessions::close);
        return Response.noContent()
                .header(HttpHeaders.SET_COOKIE, SessionCookies.clear(secure(request)))
                .build();
    }

    @GET
    @Path("whoami")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.VIEWER_NAME)
    public AuthViews.WhoAmI whoami(@Context ContainerRequestContext request) {
        return AuthViews.WhoAmI.of(Callers.principal(request));
    }

    String open(Principal who, String with, ContainerRequestContext request) {
        audit.record(who, AuditLog.LOGIN, who.id(), Map.of("with", with), Callers.remoteAddress(request));
        return SessionCookies.open(sessions.open(who), sessions.idleTimeout(), secure(request));
    }

    boolean secure(ContainerRequestContext request) {
        return alwaysSecure
                || request.getSecurityContext().isSecure()
                || "https".equalsIgnoreCase(request.getUriInfo().getRequestUri().getScheme());
    }
}
