package io.kindling.scheduler.db;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * One life of one daemon: a row of {@code daemons}.
 *
 * @param node       the daemon's stable name across restarts (a restart adopts its previous lives' runs at once)
 * @param stoppedAt  when it stopped, or was declared dead by another daemon
 */
public record DaemonRecord(
        String daemonId,
        String node,
        String host,
        long pid,
        Instant startedAt,
        Instant heartbeatAt,
        Optional<Instant> stoppedAt,
        Optional<String> stopReason) {
    public DaemonRecord {
        requireNonNull(daemonId, "daemonId is null");
        requireNonNull(node, "node is null");
        requireNonNull(host, "host is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(heartbeatAt, "heartbeatAt is null");
        requireNonNull(stoppedAt, "stoppedAt is null");
        requireNonNull(stopReason, "stopReason is null");
    }
}
