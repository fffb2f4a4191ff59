package io.kindling.scheduler.auth;

import java.time.Instant;
import java.util.Optional;

/** An API token as stored: never its secret, which only its creator saw. */
public record TokenRecord(
        String id,
        String name,
        Role role,
        Optional<PipelinePattern> pipelines,
        Instant createdAt,
        String createdBy,
        Optional<Instant> expiresAt,
        Optional<Instant> lastUsedAt,
        Optional<Instant> revokedAt) {
    public boolean activeAt(Instant now) {
        return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
    }

    public Principal principal() {
        return new Principal(Principal.TOKEN, id, name, role, pipelines);
    }
}
