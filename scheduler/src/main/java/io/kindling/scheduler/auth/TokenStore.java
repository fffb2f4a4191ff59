package io.kindling.scheduler.auth;

import io.kindling.scheduler.model.RunIds;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** API tokens, stored by the SHA-256 of their secret. */
public final class TokenStore {
    /** last_used_at is written at most this often per token: authentication stays a read on the hot path. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final Clock clock;
    private final RunIds ids;

    public TokenStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = new RunIds(clock);
    }

    /** A new token and its secret, which is shown to its creator once and stored only as a hash. */
    public record Issued(TokenRecord token, String secret) {}

    public Issued create(
            String name,
            Role role,
            Optional<PipelinePattern> pipelines,
            Optional<Instant> expiresAt,
            String createdBy) {
        String secret = Secrets.newToken();
        return new Issued(insert(name, secret, role, pipelines, expiresAt, createdBy), secret);
    }

    /** Stores a token whose secret was chosen outside (the bootstrap token), once: a second call finds it. */
    public TokenRecord ensure(String name, String secret, Role role, String createdBy) {
        Optional<TokenRecord> stored = findBySecret(secret);
        if (stored.isPresent()) {
            return stored.get();
        }
        try {
            return insert(name, secret, role, Optional.empty(), Optional.empty(), createdBy);
        } catch (UnableToExecuteStatementException e) {
            // daemons of a cluster starting together on one database: another one stored it first (unique hash)
            return findBySecret(secret).orElseThrow(() -> e);
        }
    }

    private TokenRecord insert(
            String name,
            String secret,
            Role role,
            Optional<PipelinePattern> pipelines,
            Optional<Instant> expiresAt,
            String createdBy) {
        TokenRecord token = new TokenRecord(
                ids.next(), name, role, pipelines, now(), createdBy, expiresAt, Optional.empty(), Optional.empty());
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO api_tokens (token_id, name, token_hash, role, pipelines, created_at, created_by,
                                                expires_at)
                        VALUES (:id, :name, :hash, :role, :pipelines, :created_at, :created_by, :expires_at)""")
                .bind("id", token.id())
                .bind("name", name)
                .bind("hash", Secrets.hash(secret))
                .bind("role", role.wireName())
                .bind("pipelines", pipelines.map(PipelinePattern::glob).orElse(null))
                .bind("created_at", token.createdAt().toEpochMilli())
                .bind("created_by", createdBy)
                .bind("expires_at", expiresAt.map(Instant::toEpochMilli).orElse(null))
                .execute());
        return token;
    }

    public Optional<TokenRecord> findBySecret(String secret) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE token_hash = :hash")
                .bind("hash", Secrets.hash(secret))
                .map(TokenStore::row)
                .findOne());
    }

    public Optional<TokenRecord> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE token_id = :id")
                .bind("id", id)
                .map(TokenStore::row)
                .findOne());
    }

    /** Newest first. */
    public List<TokenRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens ORDER BY token_id DESC")
                .map(TokenStore::row)
                .list());
    }

    /** @return false when there is no such token or it was revoked already */
    public boolean revoke(String id) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE api_tokens SET revoked_at = :at WHERE token_id = :id AND revoked_at IS NULL")
                        .bind("at", now().toEpochMilli())
                        .bind("id", id)
                        .execute())
                == 1;
    }

    /** Records a use, unless one was recorded less than {@link #TOUCH_EVERY} ago. */
    public void touch(TokenRecord token) {
        Instant now = now();
        if (token.lastUsedAt().map(last -> last.plus(TOUCH_EVERY).isAfter(now)).orElse(false)) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE api_tokens SET last_used_at = :now
                        WHERE token_id = :id AND (last_used_at IS NULL OR last_used_at < :due)""")
                .bind("now", now.toEpochMilli())
                .bind("id", token.id())
                .bind("due", now.minus(TOUCH_EVERY).toEpochMilli())
                .execute());
    }

    /** True before the first token or user exists: the daemon's first start. */
    public boolean noCredentials() {
        return jdbi.withHandle(TokenStore::countCredentials) == 0;
    }

    private static long countCredentials(Handle h) {
        return h.createQuery("SELECT (SELECT COUNT(*) FROM api_tokens) + (SELECT COUNT(*) FROM users)")
                .mapTo(Long.class)
                .one();
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }

    private static TokenRecord row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new TokenRecord(
                rs.getString("token_id"),
                rs.getString("name"),
                Role.parse(rs.getString("role")),
                PipelinePattern.parse(rs.getString("pipelines")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                rs.getString("created_by"),
                instant(rs, "expires_at"),
                instant(rs, "last_used_at"),
                instant(rs, "revoked_at"));
    }

    static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
    }
}
