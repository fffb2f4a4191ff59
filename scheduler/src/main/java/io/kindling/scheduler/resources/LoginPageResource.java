package io.kindling.scheduler.resources;

import io.kindling.scheduler.auth.AuditLog;
import io.kindling.scheduler.auth.Authenticator;
import io.kindling.scheduler.auth.Callers;
import io.kindling.scheduler.auth.Principal;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** {@code GET /login}: the dashboard's sign-in page, and the one-time sign-in link the first start prints. */
@Path("/login")
public class LoginPageResource {
    private final Authenticator authenticator;
    private final SignInResource signIn;
    private final AuditLog audit;

    public LoginPageResource(Authenticator authenticator, SignInResource signIn, AuditLog audit) {
        this.authenticator = authenticator;
        this.signIn = signIn;
        this.audit = audit;
    }

    /**
     * With {@code ?token=}: opens a session and sends the browser on to {@code next} (a local path only), so the
     * token leaves the address bar and, with no-referrer, is not sent on to anyone. Without: the sign-in page.
     */
    @GET
    @PermitAll
    public Response login(
            @QueryParam("token") String token,
            @QueryParam("next") String next,
            @Context ContainerRequestContext request) {
        if (token == null || token.isEmpty()) {
            return DashboardResource.asset("index.html");
        }
        Optional<Principal> who = authenticator.token(token);
        if (who.isEmpty()) {
            audit.record(
                    "token:(invalid)",
                    Optional.empty(),
                    AuditLog.LOGIN_FAILED,
                    null,
                    Map.of("with", "link"),
                    Callers.remoteAddress(request));
            return Response.seeOther(URI.create("/login?failed=1"))
                    .header("Referrer-Policy", "no-referrer")
                    .build();
        }
        return Response.seeOther(URI.create(localPath(next)))
                .header("Referrer-Policy", "no-referrer")
                .header(HttpHeaders.SET_COOKIE, signIn.open(who.get(), "link", request))
                .build();
    }

    /**
     * {@code next} when it is a path on this server: one leading slash, no backslash (browsers read {@code /\} as
     * {@code //}), no control characters or spaces; anything else (another host, a scheme, {@code //host}) gives
     * {@code /}.
     */
    static String localPath(String next) {
        if (next == null
                || next.length() > 2048
                || !next.startsWith("/")
                || next.startsWith("//")
                || next.contains("\\")) {
            return "/";
        }
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return "/";
            }
        }
        try {
            URI uri = new URI(next);
            return uri.getScheme() == null && uri.getRawAuthority() == null ? next : "/";
        } catch (java.net.URISyntaxException e) {
            return "/";
        }
    }
}
