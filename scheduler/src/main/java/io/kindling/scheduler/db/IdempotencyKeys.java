package io.kindling.scheduler.db;

import io.kindling.scheduler.model.IdempotencyKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code idempotency_keys} table (V13), one for every route that takes an {@code Idempotency-Key}: a key is
 * claimed in the transaction that writes what its request makes, and its primary key decides between two daemons.
 */
public final class IdempotencyKeys implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);
    private final Jdbi jdbi;
    private final ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "idempotency-keys");
        t.setDaemon(true);
        return t;
    });

    public IdempotencyKeys(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Deletes expired keys every {@code period} (the first time one period from now), until {@link #close}. */
    public void deleteExpiredEvery(java.time.Duration period, Clock clock) {
        cleaner.scheduleWithFixedDelay(
                () -> {
                    try {
                        int deleted = deleteExpired(clock.instant());
                        if (deleted > 0) {
                            LOG.info("Deleted {} expired idempotency keys", deleted);
                        }
                    } catch (RuntimeException e) { // the database is away: next time
                        LOG.warn("Expired idempotency keys not deleted: {}", e.toString());
                    }
                },
                period.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        cleaner.shutdownNow();
    }

    /**
     * Takes {@code key} for {@code resultId} on the caller's transaction. A row of the same key past its expiry
     * counts as free (it is replaced).
     *
     * @return empty when the key was taken for {@code resultId}; else what the earlier request made
     */
    static Optional<String> claim(Handle h, IdempotencyKey key, String resultId) {
        h.createUpdate("""
                        DELETE FROM idempotency_keys
                        WHERE scope = :scope AND idem_key = :idem_key AND expires_at <= :now""")
                .bind("scope", key.scope())
                .bind("idem_key", key.key())
                .bind("now", key.createdAt().toEpochMilli())
                .execute();
        int inserted = h.createUpdate("""
                        INSERT INTO idempotency_keys (scope, idem_key, result_id, created_at, expires_at)
                        VALUES (:scope, :idem_key, :result_id, :created_at, :expires_at)
                        ON CONFLICT DO NOTHING""")
                .bind("scope", key.scope())
                .bind("idem_key", key.key())
                .bind("result_id", resultId)
                .bind("created_at", key.createdAt().toEpochMilli())
                .bind("expires_at", key.expiresAt().toEpochMilli())
                .execute();
        if (inserted == 1) {
            return Optional.empty();
        }
        // another request holds it: on PostgreSQL the insert waited for that transaction to commit
        return Optional.of(h.createQuery(
                        "SELECT result_id FROM idempotency_keys WHERE scope = :scope AND " + "idem_key = :idem_key")
                .bind("scope", key.scope())
                .bind("idem_key", key.key())
                .mapTo(String.class)
                .findOne()
                .orElseThrow(() -> new IllegalStateException("idempotency key '" + key.key() + "' vanished")));
    }

    /** Deletes the keys whose retention ended by {@code now}. @return how many */
    public int deleteExpired(Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM idempotency_keys WHERE expires_at <= :now")
                .bind("now", now.toEpochMilli())
                .execute());
    }
}
