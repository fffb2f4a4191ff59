package io.kindling.scheduler.resources;

import io.kindling.scheduler.api.AuthViews;
import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.PipelinePattern;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.Role;
import io.kindling.scheduler.auth.SessionStore;
import io.kindling.scheduler.auth.TokenRecord;
import io.kindling.scheduler.auth.TokenStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API tokens, for admins. The contract {@code bin/kindling token create/list/revoke} builds on:
 * see docs/auth.md. Callers restricted to some pipelines cannot manage access (they could widen their own).
 */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Role.ADMIN_NAME)
public class TokenResource {
    private static final Pattern EXPIRES_IN = Pattern.compile("([1-9][0-9]{0,5})([smhd])");
    static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} _.:@/-]{1,128}");

    private final TokenStore tokens;
    private final SessionStore sessions;
    private final AuditLog audit;

    public TokenResource(TokenStore tokens, SessionStore sessions, AuditLog audit) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.audit = audit;
    }

    /** 201 with the new token; its secret ({@code token}) is in this answer only. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    public Response createToken(AuthViews.TokenRequest body, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requireUnrestricted(caller);
        if (body == null || body.name() == null || !NAME.matcher(body.name()).matches()) {
            throw new BadRequestException("name is required: 1 to 128 letters, digits, spaces or _ . : @ / -");
        }
        Role role = role(body.role());
        Optional<PipelinePattern> pipelines = pattern(body.pipelines());
        Optional<Instant> expires = Optional.ofNullable(body.expiresIn())
                .filter(s -> !s.isBlank())
                .map(s -> Instant.now().plus(duration(s)));
        TokenStore.Issued issued = tokens.create(body.name(), role, pipelines, expires, caller.actor());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("name", body.name());
        detail.put("role", role.wireName());
        pipelines.ifPresent(p -> detail.put("pipelines", p.glob()));
        expires.ifPresent(e -> detail.put("expires_at", e.toString()));
        audit.record(caller, AuditLog.TOKEN_CREATE, issued.token().id(), detail, Callers.remoteAddress(request));
        return Response.created(URI.create("/api/v1/tokens/" + issued.token().id()))
                .entity(AuthViews.TokenView.of(issued.token(), issued.secret(), Instant.now()))
                .build();
    }

    /** Every token, newest first, with no secret and no hash. */
    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    public AuthViews.TokenList listTokens(@Context ContainerRequestContext request) {
        Callers.requireUnrestricted(Callers.principal(request));
        Instant now = Instant.now();
        return new AuthViews.TokenList(tokens.list().stream()
                .map(t -> AuthViews.TokenView.of(t, null, now))
                .toList());
    }

    /** Revokes the token at once, and ends the dashboard sessions opened with it; revoking twice is a no-op. */
    @POST
    @Path("/{id}/revoke")
    @RolesAllowed(Role.ADMIN_NAME)
    public AuthViews.TokenView revoke(@PathParam("id") String id, @Context ContainerRequestContext request) {
        Principal caller = Callers.principal(request);
        Callers.requireUnrestricted(caller);
        TokenRecord token = tokens.find(id).orElseThrow(() -> new NotFoundException("token '" + id + "' not found"));
        if (tokens.revoke(id)) {
            sessions.closeAllOf(Principal.TOKEN, id);
            audit.record(
                    caller, AuditLog.TOKEN_REVOKE, id, Map.of("name", token.name()), Callers.remoteAddress(request));
        }
        return AuthViews.TokenView.of(tokens.find(id).orElseThrow(), null, Instant.now());
    }

    static Role role(String name) {
        try {
            return Role.parse(name);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    static Optional<PipelinePattern> pattern(String glob) {
        try {
            return PipelinePattern.parse(glob);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    /** {@code 30d}, {@code 12h}, {@code 90m} or {@code 45s}. */
    static Duration duration(String text) {
        Matcher m = EXPIRES_IN.matcher(text.strip());
        if (!m.matches()) {
            throw new BadRequestException(
                    "expires_in must be a number and one of s, m, h, d, e.g. 30d; got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
