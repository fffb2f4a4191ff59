package io.kindling.scheduler.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.kindling.scheduler.model.RunIds;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** Dashboard users with bcrypt password hashes. */
public final class UserStore {
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    /** bcrypt's cost: 2^12 rounds, about a quarter second, paid only at sign-in. */
    private static final int COST = 12;
    /** bcrypt reads at most 72 bytes; longer passwords would be silently cut, so they are refused. */
    private static final int MAX_PASSWORD_BYTES = 72;

    private static final int MIN_PASSWORD_LENGTH = 12;
    /**
     * Checked when the user does not exist, so an unknown name takes as long as a wrong password. A fixed hash (of
     * "not a password", at {@link #COST}): computing it when the class loaded cost every start a quarter of its time.
     */
    private static final byte[] DUMMY_HASH =
            "$2a$12$QcMspOWP0xqqRcb7eAQTCOSU3Y4zI92AXMp96v6tXX8EC7akQVA5C".getBytes(StandardCharsets.US_ASCII);

    private final Jdbi jdbi;
    private final Clock clock;
    private final RunIds ids;

    public UserStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = new RunIds(clock);
    }

    /** @throws IllegalArgumentException for a bad username or a weak or too long password */
    public UserRecord create(
            String username, String password, Role role, Optional<PipelinePattern> pipelines, String createdBy) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new IllegalArgumentException("username must be 1 to 64 of A-Z, a-z, 0-9, _ . @ -");
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("password must have at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new IllegalArgumentException("password must be at most " + MAX_PASSWORD_BYTES + " bytes (UTF-8)");
        }
        if (find(username).isPresent()) {
            throw new IllegalStateException("user '" + username + "' exists already");
        }
        UserRecord user =
                new UserRecord(ids.next(), username, role, pipelines, Instant.ofEpochMilli(clock.millis()), createdBy);
        String hash = BCrypt.withDefaults().hashToString(COST, password.toCharArray());
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO users (user_id, username, password_hash, role, pipelines, created_at, created_by)
                        VALUES (:id, :username, :hash, :role, :pipelines, :created_at, :created_by)""")
                .bind("id", user.id())
                .bind("username", username)
                .bind("hash", hash)
                .bind("role", role.wireName())
                .bind("pipelines", pipelines.map(PipelinePattern::glob).orElse(null))
                .bind("created_at", user.createdAt().toEpochMilli())
                .bind("created_by", createdBy)
                .execute());
        return user;
    }

    /** The user, when the password is theirs. */
    public Optional<UserRecord> verify(String username, String password) {
        if (username == null
                || password == null
                || password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return Optional.empty();
        }
        Optional<String> hash =
                jdbi.withHandle(h -> h.createQuery("SELECT password_hash FROM users WHERE username = :username")
                        .bind("username", username)
                        .mapTo(String.class)
                        .findOne());
        byte[] stored = hash.map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(DUMMY_HASH);
        boolean ok = BCrypt.verifyer().verify(password.toCharArray(), stored).verified;
        return ok && hash.isPresent() ? find(username) : Optional.empty();
    }

    public Optional<UserRecord> find(String username) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE username = :username")
                .bind("username", username)
                .map(UserStore::row)
                .findOne());
    }

    public Optional<UserRecord> findById(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE user_id = :id")
                .bind("id", id)
                .map(UserStore::row)
                .findOne());
    }

    public List<UserRecord> list() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users ORDER BY username")
                .map(UserStore::row)
                .list());
    }

    private static UserRecord row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new UserRecord(
                rs.getString("user_id"),
                rs.getString("username"),
                Role.parse(rs.getString("role")),
                PipelinePattern.parse(rs.getString("pipelines")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                rs.getString("created_by"));
    }
}
