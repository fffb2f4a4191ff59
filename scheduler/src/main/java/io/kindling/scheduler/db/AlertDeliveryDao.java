package io.kindling.scheduler.db;

import io.kindling.scheduler.db.AlertDelivery.DeliveryState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * The alert outbox. Deliveries are written by {@link RunStore} in the transaction of the state change that caused
 * them; this DAO is the delivery worker's and the API's view of them.
 */
public final class AlertDeliveryDao {
    private final Jdbi jdbi;

    public AlertDeliveryDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Writes deliveries in the caller's transaction. */
    static void insert(Handle h, List<AlertDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch("""
                INSERT INTO alert_deliveries (delivery_id, event_id, webhook, event_type, pipeline_id, run_id, task_id,
                                              payload, state, attempts, created_at, retry_from, next_attempt_at)
                VALUES (:delivery_id, :event_id, :webhook, :event_type, :pipeline_id, :run_id, :task_id,
                        :payload, :state, :attempts, :created_at, :retry_from, :next_attempt_at)""");
        for (AlertDelivery d : deliveries) {
            batch.bind("delivery_id", d.deliveryId())
                    .bind("event_id", d.eventId())
                    .bind("webhook", d.webhook())
                    .bind("event_type", d.eventType())
                    .bind("pipeline_id", d.pipelineId())
                    .bind("run_id", d.runId())
                    .bind("task_id", d.taskId().orElse(null))
                    .bind("payload", d.payload())
                    .bind("state", d.state().name())
                    .bind("attempts", d.attempts())
                    .bind("created_at", d.createdAt().toEpochMilli())
                    .bind("retry_from", d.retryFrom().toEpochMilli())
                    .bind("next_attempt_at", d.nextAttemptAt().toEpochMilli())
                    .add();
        }
        batch.execute();
    }

    /** Pending deliveries due by {@code now}, the longest-waiting first. */
    public List<AlertDelivery> due(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM alert_deliveries WHERE state = :state AND next_attempt_at <= :now
                        ORDER BY next_attempt_at, delivery_id LIMIT :limit""")
                .bind("state", DeliveryState.PENDING.name())
                .bind("now", now.toEpochMilli())
                .bind("limit", limit)
                .map(DELIVERY)
                .list());
    }

    /**
     * Takes a due delivery for one send: moves its next attempt to {@code leaseUntil}, only if nobody took it
     * since it was read. A worker that dies while sending leaves the lease to expire, and the delivery is sent
     * again (at least once).
     */
    public boolean claim(AlertDelivery d, Instant leaseUntil) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE alert_deliveries SET next_attempt_at = :lease
                        WHERE delivery_id = :id AND state = :state AND next_attempt_at = :seen""")
                        .bind("lease", leaseUntil.toEpochMilli())
                        .bind("id", d.deliveryId())
                        .bind("state", DeliveryState.PENDING.name())
                        .bind("seen", d.nextAttemptAt().toEpochMilli())
                        .execute())
                == 1;
    }

    /** Records an attempt and the delivery's new state in one transaction. */
    public void recordAttempt(DeliveryAttempt attempt, DeliveryState state, Instant nextAttemptAt) {
        jdbi.useTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO alert_delivery_attempts (delivery_id, attempt_number, attempted_at,
                                                                 status_code, error, duration_ms)
                            VALUES (:id, :n, :at, :status, :error, :duration)""")
                    .bind("id", attempt.deliveryId())
                    .bind("n", attempt.attemptNumber())
                    .bind("at", attempt.attemptedAt().toEpochMilli())
                    .bind("status", attempt.statusCode().orElse(null))
                    .bind("error", attempt.error().orElse(null))
                    .bind("duration", attempt.durationMillis())
                    .execute();
            h.createUpdate("""
                            UPDATE alert_deliveries SET state = :state, attempts = :n, next_attempt_at = :next,
                                   delivered_at = :delivered, last_status = :status, last_error = :error
                            WHERE delivery_id = :id""")
                    .bind("state", state.name())
                    .bind("n", attempt.attemptNumber())
                    .bind("next", nextAttemptAt.toEpochMilli())
                    .bind(
                            "delivered",
                            state == DeliveryState.DELIVERED
                                    ? attempt.attemptedAt().toEpochMilli()
                                    : null)
                    .bind("status", attempt.statusCode().orElse(null))
                    .bind("error", attempt.error().orElse(null))
                    .bind("id", attempt.deliveryId())
                    .execute();
        });
    }

    /** Gives up a delivery without sending it (its webhook is off or no longer configured). */
    public void giveUp(String deliveryId, String reason) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE alert_deliveries SET state = :state, last_error = :error WHERE delivery_id = :id""")
                .bind("state", DeliveryState.FAILED.name())
                .bind("error", reason)
                .bind("id", deliveryId)
                .execute());
    }

    /**
     * Sends a delivery again: it is PENDING and due at once, with a fresh retry period.
     *
     * @return false when it is pending already (nothing is written)
     */
    public boolean retry(String deliveryId, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE alert_deliveries SET state = :pending, retry_from = :now, next_attempt_at = :now
                        WHERE delivery_id = :id AND state <> :pending""")
                        .bind("pending", DeliveryState.PENDING.name())
                        .bind("now", now.toEpochMilli())
                        .bind("id", deliveryId)
                        .execute())
                == 1;
    }

    public Optional<AlertDelivery> find(String deliveryId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM alert_deliveries WHERE delivery_id = :id")
                .bind("id", deliveryId)
                .map(DELIVERY)
                .findOne());
    }

    /** Deliveries newest first; {@code before} is the last id of the previous page (keyset paging). */
    public List<AlertDelivery> list(Optional<DeliveryState> state, Optional<String> before, int limit) {
        return list(state, Optional.empty(), before, limit);
    }

    /** {@link #list(Optional, Optional, int)} of one pipeline's deliveries when {@code pipeline} is given. */
    public List<AlertDelivery> list(
            Optional<DeliveryState> state, Optional<String> pipeline, Optional<String> before, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM alert_deliveries WHERE 1 = 1");
        state.ifPresent(s -> sql.append(" AND state = :state"));
        pipeline.ifPresent(p -> sql.append(" AND pipeline_id = :pipeline"));
        before.ifPresent(b -> sql.append(" AND delivery_id < :before"));
        sql.append(" ORDER BY delivery_id DESC LIMIT :limit");
        return jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", limit);
            state.ifPresent(s -> q.bind("state", s.name()));
            pipeline.ifPresent(p -> q.bind("pipeline", p));
            before.ifPresent(b -> q.bind("before", b));
            return q.map(DELIVERY).list();
        });
    }

    public List<DeliveryAttempt> attempts(String deliveryId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM alert_delivery_attempts WHERE delivery_id = :id ORDER BY attempt_number")
                .bind("id", deliveryId)
                .map(ATTEMPT)
                .list());
    }

    /** How many deliveries are waiting to be sent. */
    public int backlog() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM alert_deliveries WHERE state = :state")
                .bind("state", DeliveryState.PENDING.name())
                .mapTo(Integer.class)
                .one());
    }

    private static Optional<Integer> integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    private static final RowMapper<AlertDelivery> DELIVERY = (rs, ctx) -> {
        long delivered = rs.getLong("delivered_at");
        Optional<Instant> deliveredAt = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(delivered));
        return new AlertDelivery(
                rs.getString("delivery_id"),
                rs.getString("event_id"),
                rs.getString("webhook"),
                rs.getString("event_type"),
                rs.getString("pipeline_id"),
                rs.getString("run_id"),
                Optional.ofNullable(rs.getString("task_id")),
                rs.getString("payload"),
                DeliveryState.valueOf(rs.getString("state")),
                rs.getInt("attempts"),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("retry_from")),
                Instant.ofEpochMilli(rs.getLong("next_attempt_at")),
                deliveredAt,
                integer(rs, "last_status"),
                Optional.ofNullable(rs.getString("last_error")));
    };

    private static final RowMapper<DeliveryAttempt> ATTEMPT = (rs, ctx) -> new DeliveryAttempt(
            rs.getString("delivery_id"), rs.getInt("attempt_number"),
            Instant.ofEpochMilli(rs.getLong("attempted_at")), integer(rs, "status_code"),
            Optional.ofNullable(rs.getString("error")), rs.getLong("duration_ms"));
}
