package io.kindling.scheduler.db;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** The daemons that share the database: their lives, heartbeats and the runs they own. */
public final class DaemonDao {
    private final Jdbi jdbi;

    public DaemonDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void register(DaemonRecord daemon) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO daemons (daemon_id, node, host, pid, started_at, heartbeat_at)
                        VALUES (:daemon_id, :node, :host, :pid, :started_at, :heartbeat_at)""")
                .bind("daemon_id", daemon.daemonId())
                .bind("node", daemon.node())
                .bind("host", daemon.host())
                .bind("pid", daemon.pid())
                .bind("started_at", daemon.startedAt().toEpochMilli())
                .bind("heartbeat_at", daemon.heartbeatAt().toEpochMilli())
                .execute());
    }

    /** @return false when this life was declared dead by another daemon (its runs are no longer its own) */
    public boolean heartbeat(String daemonId, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE daemons SET heartbeat_at = :at WHERE daemon_id = :id AND stopped_at IS NULL""")
                        .bind("at", at.toEpochMilli())
                        .bind("id", daemonId)
                        .execute())
                == 1;
    }

    /** Marks a life as ended: its own clean stop, or another daemon declaring it dead. */
    public boolean markStopped(String daemonId, Instant at, String reason) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE daemons SET stopped_at = :at, stop_reason = :reason
                        WHERE daemon_id = :id AND stopped_at IS NULL""")
                        .bind("at", at.toEpochMilli())
                        .bind("reason", reason)
                        .bind("id", daemonId)
                        .execute())
                == 1;
    }

    /**
     * Lives that are not stopped yet but should be: earlier lives of {@code node} (it was killed; it is restarting
     * now) and lives whose heartbeat is older than {@code staleBefore}.
     */
    public List<DaemonRecord> lost(String node, String self, Instant staleBefore) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM daemons WHERE stopped_at IS NULL AND daemon_id <> :self
                          AND (node = :node OR heartbeat_at < :stale)""")
                .bind("self", self)
                .bind("node", node)
                .bind("stale", staleBefore.toEpochMilli())
                .map(Rows.DAEMON)
                .list());
    }

    /** Every life that has not stopped, and those that stopped since {@code since}, newest first. */
    public List<DaemonRecord> recent(Instant since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM daemons WHERE stopped_at IS NULL OR stopped_at >= :since
                        ORDER BY started_at DESC""")
                .bind("since", since.toEpochMilli())
                .map(Rows.DAEMON)
                .list());
    }

    /** Unfinished runs by owner. */
    public Map<String, List<String>> unfinishedRunsByOwner() {
        return jdbi.withHandle(h -> {
            Map<String, List<String>> out = new java.util.TreeMap<>();
            h.createQuery("""
                            SELECT owner, run_id FROM runs WHERE state IN ('QUEUED', 'RUNNING') AND owner IS NOT NULL
                            ORDER BY run_id""")
                    .map((rs, ctx) -> Map.entry(rs.getString("owner"), rs.getString("run_id")))
                    .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>())
                            .add(e.getValue()));
            return out;
        });
    }

    /** Attempts running now, by daemon. */
    public Map<String, List<String>> runningAttemptsByDaemon() {
        return jdbi.withHandle(h -> {
            Map<String, List<String>> out = new java.util.TreeMap<>();
            h.createQuery("""
                            SELECT daemon_id, attempt_id FROM task_attempts WHERE state = 'RUNNING'
                              AND daemon_id IS NOT NULL ORDER BY attempt_id""")
                    .map((rs, ctx) -> Map.entry(rs.getString("daemon_id"), rs.getString("attempt_id")))
                    .forEach(e -> out.computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>())
                            .add(e.getValue()));
            return out;
        });
    }
}
