package io.kindling.scheduler.auth;

import java.util.Set;

/**
 * Every route that answers without credentials, in one place: resource methods on them carry {@code @PermitAll},
 * and ApiAuthenticationTest checks that no other route does. Each is public because signing in needs it, or
 * because it holds no data (the dashboard's static files; the data they show comes from the API), or because it
 * authenticates its callers itself (inbound events: a token, or a body signed with the pipeline's secret).
 */
public final class PublicRoutes {
    /** Method and path template, as Jersey's resource model spells them. */
    public static final Set<String> ROUTES = Set.of(
            "GET /", // the dashboard's HTML shell: no data
            "GET /ui/{path: .+}", // its scripts and styles: no data
            "GET /login", // the sign-in page, and the one-time sign-in link ?token=
            "POST /api/v1/login", // signs in with a token or a username and password
            "POST /api/v1/logout", // ends the session, if there is one
            "POST /api/v1/pipelines/{id}/events"); // a token (operator) or an HMAC signature: EventResource

    private PublicRoutes() {}
}
