package io.kindling.scheduler.auth;

import java.util.Optional;

/**
 * Turns a credential into a {@link Principal}: a bearer token, a dashboard session id, or a username and
 * password. Free of JAX-RS so that servlet filters (the admin port) can use it too: see
 * {@link #fromHeaders(String, String)}.
 */
public final class Authenticator {
    private final TokenStore tokens;
    private final UserStore users;
    private final SessionStore sessions;

    public Authenticator(TokenStore tokens, UserStore users, SessionStore sessions) {
        this.tokens = tokens;
        this.users = users;
        this.sessions = sessions;
    }

    /** The caller of a request with these headers (either may be null): the bearer token first, then the session. */
    public Optional<Principal> fromHeaders(String authorization, String cookieHeader) {
        Optional<String> bearer = bearer(authorization);
        if (bearer.isPresent()) {
            return token(bearer.get());
        }
        return SessionCookies.sessionId(cookieHeader).flatMap(this::session);
    }

    /** The secret of an {@code Authorization: Bearer <token>} header. */
    public static Optional<String> bearer(String authorization) {
        if (authorization == null
                || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.of(authorization.substring(7).strip()).filter(s -> !s.isEmpty());
    }

    /** An active token's principal; empty for unknown, revoked or expired tokens. */
    public Optional<Principal> token(String secret) {
        if (secret == null || !Secrets.TOKEN_SHAPE.matcher(secret).matches()) {
            return Optional.empty();
        }
        return tokens.findBySecret(secret)
                .filter(t -> t.activeAt(java.time.Instant.now()))
                .map(t -> {
                    tokens.touch(t);
                    return t.principal();
                });
    }

    /** A live session's principal, as its token or user is now (a revoked token ends its sessions). */
    public Optional<Principal> session(String sessionId) {
        if (sessionId == null || sessionId.isEmpty() || sessionId.length() > 128) {
            return Optional.empty();
        }
        return sessions.find(sessionId).flatMap(subject -> switch (subject.kind()) {
            case Principal.TOKEN ->
                tokens.find(subject.id())
                        .filter(t -> t.activeAt(java.time.Instant.now()))
                        .map(TokenRecord::principal);
            case Principal.USER -> users.findById(subject.id()).map(UserRecord::principal);
            default -> Optional.empty();
        });
    }

    public Optional<Principal> password(String username, String password) {
        return users.verify(username, password).map(UserRecord::principal);
    }
}
