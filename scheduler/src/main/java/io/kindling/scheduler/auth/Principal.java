package io.kindling.scheduler.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling: a token or a user (directly, or through a dashboard session), with the role and pipeline
 * restriction they had when authenticated.
 *
 * @param kind {@code token} or {@code user}
 * @param id   the token's or user's id
 * @param name the token's name or the user's username
 */
public record Principal(String kind, String id, String name, Role role, Optional<PipelinePattern> pipelines)
        implements java.security.Principal {
    public static final String TOKEN = "token";
    public static final String USER = "user";

    public Principal {
        if (!TOKEN.equals(kind) && !USER.equals(kind)) {
            throw new IllegalArgumentException("kind must be token or user, got " + kind);
        }
        Objects.requireNonNull(id);
        Objects.requireNonNull(name);
        Objects.requireNonNull(role);
        Objects.requireNonNull(pipelines);
    }

    @Override
    public String getName() {
        return name;
    }

    /** How the audit log names this caller, e.g. {@code token:ci (01j…)} or {@code user:alice}. */
    public String actor() {
        return TOKEN.equals(kind) ? "token:" + name + " (" + id + ")" : "user:" + name;
    }

    public boolean mayAccess(String pipelineId) {
        return pipelines.map(p -> p.matches(pipelineId)).orElse(true);
    }

    public boolean restricted() {
        return pipelines.isPresent();
    }
}
