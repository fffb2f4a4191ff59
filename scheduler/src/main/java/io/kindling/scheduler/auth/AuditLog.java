package io.kindling.scheduler.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.scheduler.model.RunIds;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Who changed what. Rows are written right after the change succeeds (not in its transaction: the changes run
 * in the engine's own transactions); a daemon killed between the two loses that one row, never the change.
 */
public final class AuditLog {
    public static final String RUN_TRIGGER = "run.trigger";
    public static final String RUN_CANCEL = "run.cancel";
    public static final String RUN_REPAIR = "run.repair";
    public static final String PIPELINE_PAUSE = "pipeline.pause";
    public static final String PIPELINE_RESUME = "pipeline.resume";
    public static final String PIPELINE_MUTE = "pipeline.mute";
    public static final String PIPELINE_UNMUTE = "pipeline.unmute";
    public static final String BACKFILL_CREATE = "backfill.create";
    public static final String DELIVERY_RETRY = "delivery.retry";
    public static final String WEBHOOK_TEST = "webhook.test";
    public static final String SOURCES_SYNC = "sources.sync";
    public static final String TOKEN_CREATE = "token.create";
    public static final String TOKEN_REVOKE = "token.revoke";
    public static final String USER_CREATE = "user.create";
    public static final String LOGIN = "login";
    public static final String LOGIN_FAILED = "login.failed";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final Clock clock;
    private final RunIds ids;

    public AuditLog(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.ids = new RunIds(clock);
    }

    public void record(Principal who, String action, String target, Map<String, ?> detail, String remoteAddress) {
        record(who.actor(), Optional.of(who.role()), action, target, detail, remoteAddress);
    }

    /** For callers that are nobody yet, e.g. a failed sign-in ({@code actor} is what they claimed to be). */
    public void record(
            String actor,
            Optional<Role> role,
            String action,
            String target,
            Map<String, ?> detail,
            String remoteAddress) {
        String json;
        try {
            json = detail == null || detail.isEmpty() ? null : JSON.writeValueAsString(detail);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit detail is not JSON-serializable", e);
        }
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO audit_log (audit_id, at, actor, role, action, target, detail, remote_address)
                        VALUES (:id, :at, :actor, :role, :action, :target, :detail, :remote)""")
                .bind("id", ids.next())
                .bind("at", clock.millis())
                .bind("actor", truncate(actor, 160))
                .bind("role", role.map(Role::wireName).orElse(null))
                .bind("action", action)
                .bind("target", target == null ? null : truncate(target, 128))
                .bind("detail", json)
                .bind("remote", remoteAddress == null ? null : truncate(remoteAddress, 64))
                .execute());
    }

    /** Newest first; {@code before} is an id from an earlier page. */
    public List<AuditEntry> list(int limit, Optional<String> before, Optional<String> target) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM audit_log WHERE 1 = 1"
                        + (before.isPresent() ? " AND audit_id < :before" : "")
                        + (target.isPresent() ? " AND target = :target" : "")
                        + " ORDER BY audit_id DESC LIMIT :limit")
                .bind("before", before.orElse(null))
                .bind("target", target.orElse(null))
                .bind("limit", limit)
                .map(AuditLog::row)
                .list());
    }

    /** Oldest first: what was done to one run, pipeline, token... */
    public List<AuditEntry> forTarget(String target) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM audit_log WHERE target = :target ORDER BY audit_id LIMIT 100")
                        .bind("target", target)
                        .map(AuditLog::row)
                        .list());
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static AuditEntry row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new AuditEntry(
                rs.getString("audit_id"),
                Instant.ofEpochMilli(rs.getLong("at")),
                rs.getString("actor"),
                Optional.ofNullable(rs.getString("role")),
                rs.getString("action"),
                Optional.ofNullable(rs.getString("target")),
                Optional.ofNullable(rs.getString("detail")),
                Optional.ofNullable(rs.getString("remote_address")));
    }
}
