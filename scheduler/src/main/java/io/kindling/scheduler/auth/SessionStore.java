package io.kindling.scheduler.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Dashboard sessions: a random id in a cookie, stored hashed, ending after {@code idleTimeout} without use. */
public final class SessionStore {
    /** A session's subject: the token or user it was opened with. */
    public record Subject(String kind, String id) {}

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration idleTimeout;

    public SessionStore(Jdbi jdbi, Clock clock, Duration idleTimeout) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return the new session's id, for the cookie only */
    public String open(Principal principal) {
        String sessionId = Secrets.newSessionId();
        long now = clock.millis();
        jdbi.useHandle(h -> {
            // sessions that ran out are deleted as new ones open: no sweeper thread
            h.createUpdate("DELETE FROM sessions WHERE expires_at < :now")
                    .bind("now", now)
                    .execute();
            h.createUpdate("""
                            INSERT INTO sessions (session_hash, subject_kind, subject_id, created_at, expires_at)
                            VALUES (:hash, :kind, :id, :now, :expires)""")
                    .bind("hash", Secrets.hash(sessionId))
                    .bind("kind", principal.kind())
                    .bind("id", principal.id())
                    .bind("now", now)
                    .bind("expires", now + idleTimeout.toMillis())
                    .execute();
        });
        return sessionId;
    }

    /** The session's subject while it has not run out; each use moves its end forward (at most once a minute). */
    public Optional<Subject> find(String sessionId) {
        long now = clock.millis();
        String hash = Secrets.hash(sessionId);
        return jdbi.withHandle(h -> {
            Optional<Long> expires = h.createQuery("SELECT expires_at FROM sessions WHERE session_hash = :hash")
                    .bind("hash", hash)
                    .mapTo(Long.class)
                    .findOne();
            if (expires.isEmpty() || expires.get() <= now) {
                return Optional.empty();
            }
            if (expires.get() < now + idleTimeout.toMillis() - 60_000) {
                h.createUpdate("UPDATE sessions SET expires_at = :expires WHERE session_hash = :hash")
                        .bind("expires", now + idleTimeout.toMillis())
                        .bind("hash", hash)
                        .execute();
            }
            return h.createQuery("SELECT subject_kind, subject_id FROM sessions WHERE session_hash = :hash")
                    .bind("hash", hash)
                    .map((rs, ctx) -> new Subject(rs.getString("subject_kind"), rs.getString("subject_id")))
                    .findOne();
        });
    }

    public void close(String sessionId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE session_hash = :hash")
                .bind("hash", Secrets.hash(sessionId))
                .execute());
    }

    /** Sessions opened with a token end with it. */
    public void closeAllOf(String kind, String id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE subject_kind = :kind AND subject_id = :id")
                .bind("kind", kind)
                .bind("id", id)
                .execute());
    }
}
