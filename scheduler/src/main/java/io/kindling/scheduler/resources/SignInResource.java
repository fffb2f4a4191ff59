package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.AuthViews;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Authenticator;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.SessionCookies;
import io.kindling.scheduler.auth.SessionStore;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in and out: the one-time link {@code /login?token=...} that the first start prints, the sign-in page's
 * {@code POST /api/v1/login}, {@code POST /api/v1/logout}, and {@code GET /api/v1/whoami}.
 */
@Path("/")
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

    /**
     * With {@code ?token=}: opens a session and sends the browser on to {@code next} (a local path only), so the
     * token leaves the address bar and, with no-referrer, is not sent on to anyone. Without: the sign-in page.
     */
    @GET
    @Path("login")
    @PermitAll
    public Response login(@QueryParam("token") String token, @QueryParam("next") String next,
                          @Context ContainerRequestContext request) {
        if (token == null || token.isEmpty()) {
            return DashboardResource.asset("index.html");
        }
        Optional<Principal> who = authenticator.token(token);
        if (who.isEmpty()) {
            audit.record("token:(invalid)", Optional.empty(), AuditLog.LOGIN_FAILED, null, Map.of("with", "link"),
                    Callers.remoteAddress(request));
            return Response.seeOther(URI.create("/login?failed=1")).header("Referrer-Policy", "no-referrer").build();
        }
        return Response.seeOther(URI.create(localPath(next)))
                .header("Referrer-Policy", "no-referrer")
                .header(HttpHeaders.SET_COOKIE, open(who.get(), "link", request))
                .build();
    }

    /** {@code {"token": ...}} or {@code {"username": ..., "password": ...}}: 200 with the caller and a cookie. */
    @POST
    @Path("api/v1/login")
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
            audit.record(claimed, Optional.empty(), AuditLog.LOGIN_FAILED, null, Map.of("with", with),
                    Callers.remoteAddress(request));
            return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("code", 401, "message", "wrong token, or wrong username or password")).build();
        }
        return Response.ok(AuthViews.WhoAmI.of(who.get()))
                .header(HttpHeaders.SET_COOKIE, open(who.get(), with, request)).build();
    }

    /** Ends the browser's session (its row is deleted, the cookie cleared); 204 whether or not there was one. */
    @POST
    @Path("api/v1/logout")
    @PermitAll
    public Response logout(@Context ContainerRequestContext request) {
        SessionCookies.sessionId(request.getHeaderString(HttpHeaders.COOKIE)).ifPresent(sessions::close);
        return Response.noContent().header(HttpHeaders.SET_COOKIE, SessionCookies.clear(secure(request))).build();
    }

    @GET
    @Path("api/v1/whoami")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed("viewer")
    public AuthViews.WhoAmI whoami(@Context ContainerRequestContext request) {
        return AuthViews.WhoAmI.of(Callers.principal(request));
    }

    private String open(Principal who, String with, ContainerRequestContext request) {
        audit.record(who, AuditLog.LOGIN, who.id(), Map.of("with", with), Callers.remoteAddress(request));
        return SessionCookies.open(sessions.open(who), sessions.idleTimeout(), secure(request));
    }

    private boolean secure(ContainerRequestContext request) {
        return alwaysSecure || request.getSecurityContext().isSecure()
                || "https".equalsIgnoreCase(request.getUriInfo().getRequestUri().getScheme());
    }

    /**
     * {@code next} when it is a path on this server: one leading slash, no backslash (browsers read {@code /\} as
     * {@code //}), no control characters; anything else (another host, a scheme, {@code //host}) gives {@code /}.
     */
    static String localPath(String next) {
        if (next == null || next.length() > 2048 || !next.startsWith("/") || next.startsWith("//")
                || next.contains("\\")) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return "/";
            }
        }
        URI uri;
        try {
            uri = URI.create(next);
        } catch (IllegalArgumentException e) {
            return "/";
        }
        return uri.getScheme() == null && uri.getRawAuthority() == null ? next : "/";
    }
}
