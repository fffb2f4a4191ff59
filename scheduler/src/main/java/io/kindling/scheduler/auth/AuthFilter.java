package io.kindling.scheduler.auth;

import jakarta.annotation.Priority;
import jakarta.annotation.security.PermitAll;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates every matched request from its bearer token or session cookie and installs the caller as the
 * request's {@link SecurityContext}; Jersey's RolesAllowedDynamicFeature then checks {@code @RolesAllowed}
 * (403). Deny by default: only methods marked {@code @PermitAll} (listed in {@link PublicRoutes}) answer without
 * credentials; any other, annotated or not, answers 401.
 */
@Priority(Priorities.AUTHENTICATION)
public final class AuthFilter implements ContainerRequestFilter {
    /** The request property holding the caller's remote address, for the audit log. */
    public static final String REMOTE_ADDRESS = "kindling.remoteAddress";

    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private final Authenticator authenticator;

    @Context
    private ResourceInfo resource;

    @Context
    private HttpServletRequest http;

    private final CallerRateLimit rateLimit;

    public AuthFilter(Authenticator authenticator, CallerRateLimit rateLimit) {
        this.authenticator = authenticator;
        this.rateLimit = rateLimit;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(REMOTE_ADDRESS, http == null ? null : http.getRemoteAddr());
        Optional<Principal> caller = authenticator.fromHeaders(
                request.getHeaderString(HttpHeaders.AUTHORIZATION), request.getHeaderString(HttpHeaders.COOKIE));
        if (caller.isPresent()) {
            if (CHANGES.contains(request.getMethod()) && !rateLimit.tryAcquire(caller.get())) {
                request.abortWith(tooManyChanges());
                return;
            }
            boolean secure = request.getSecurityContext().isSecure();
            request.setSecurityContext(new Caller(caller.get(), secure));
            return;
        }
        if (!isPublic(resource.getResourceMethod(), resource.getResourceClass())) {
            request.abortWith(unauthorized());
        }
    }

    static boolean isPublic(Method method, Class<?> type) {
        return method != null
                && (method.isAnnotationPresent(PermitAll.class)
                        || (type != null && type.isAnnotationPresent(PermitAll.class)));
    }

    private Response tooManyChanges() {
        return Response.status(429)
                .header(HttpHeaders.RETRY_AFTER, 60 / rateLimit.perMinute() + 1)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of(
                        "code",
                        429,
                        "message",
                        "this caller made more than " + rateLimit.perMinute()
                                + " changes in a minute (limits.changesPerMinute); try again shortly"))
                .build();
    }

    /** A JSON 401, as the API's other errors are JSON. */
    public static Response unauthorized() {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"kindling\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of(
                        "code",
                        401,
                        "message",
                        "sign in: send 'Authorization: Bearer <token>' or a session " + "cookie from /login"))
                .build();
    }

    /** The authenticated caller as JAX-RS sees it; roles include the roles below them. */
    public record Caller(Principal principal, boolean secure) implements SecurityContext {
        @Override
        public java.security.Principal getUserPrincipal() {
            return principal;
        }

        @Override
        public boolean isUserInRole(String role) {
            try {
                return principal.role().includes(Role.parse(role));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
