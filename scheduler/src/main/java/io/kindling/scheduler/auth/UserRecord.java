package io.kindling.scheduler.auth;

import java.time.Instant;
import java.util.Optional;

/** A dashboard user as stored; the password hash stays inside {@link UserStore}. */
public record UserRecord(
        String id,
        String username,
        Role role,
        Optional<PipelinePattern> pipelines,
        Instant createdAt,
        String createdBy) {
    public Principal principal() {
        return new Principal(Principal.USER, id, username, role, pipelines);
    }
}
