package io.kindling.scheduler.auth;

import java.time.Instant;
import java.util.Optional;

/** One row of the audit log: who did what to which target, from where. {@code detail} is a small JSON object. */
public record AuditEntry(
        String id,
        Instant at,
        String actor,
        Optional<String> role,
        String action,
        Optional<String> target,
        Optional<String> detail,
        Optional<String> remoteAddress) {}
