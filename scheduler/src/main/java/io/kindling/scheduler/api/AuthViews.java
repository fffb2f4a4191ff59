package io.kindling.scheduler.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.kindling.scheduler.auth.AuditEntry;
import io.kindling.scheduler.auth.PipelinePattern;
import io.kindling.scheduler.auth.Principal;
import io.kindling.scheduler.auth.TokenRecord;
import io.kindling.scheduler.auth.UserRecord;
import java.time.Instant;
import java.util.List;

/** Bodies of the sign-in, token, user and audit endpoints (docs/auth.md); no view ever holds a secret's hash. */
public final class AuthViews {
    private AuthViews() {}

    /** {@code POST /api/v1/login}: a token, or a username and password. */
    public record LoginRequest(String token, String username, String password) {}

    /** {@code POST /api/v1/tokens}; {@code expires_in} like {@code 30d}, {@code 12h}, {@code 90m}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TokenRequest(String name, String role, String pipelines, String expiresIn) {}

    /** {@code POST /api/v1/users}. */
    public record UserRequest(String username, String password, String role, String pipelines) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WhoAmI(String kind, String id, String name, String role, String pipelines) {
        public static WhoAmI of(Principal p) {
            return new WhoAmI(
                    p.kind(),
                    p.id(),
                    p.name(),
                    p.role().wireName(),
                    p.pipelines().map(PipelinePattern::glob).orElse(null));
        }
    }

    /** A token as listed; {@code token} (the secret) only in the answer that created it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TokenView(
            String id,
            String token,
            String name,
            String role,
            String pipelines,
            String createdAt,
            String createdBy,
            String expiresAt,
            String lastUsedAt,
            String revokedAt,
            Boolean active) {
        public static TokenView of(TokenRecord t, String secret, Instant now) {
            return new TokenView(
                    t.id(),
                    secret,
                    t.name(),
                    t.role().wireName(),
                    t.pipelines().map(PipelinePattern::glob).orElse(null),
                    t.createdAt().toString(),
                    t.createdBy(),
                    t.expiresAt().map(Instant::toString).orElse(null),
                    t.lastUsedAt().map(Instant::toString).orElse(null),
                    t.revokedAt().map(Instant::toString).orElse(null),
                    t.activeAt(now));
        }
    }

    public record TokenList(List<TokenView> tokens) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UserView(
            String id, String username, String role, String pipelines, String createdAt, String createdBy) {
        public static UserView of(UserRecord u) {
            return new UserView(
                    u.id(),
                    u.username(),
                    u.role().wireName(),
                    u.pipelines().map(PipelinePattern::glob).orElse(null),
                    u.createdAt().toString(),
                    u.createdBy());
        }
    }

    public record UserList(List<UserView> users) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AuditView(
            String id,
            String at,
            String actor,
            String role,
            String action,
            String target,
            String detail,
            String remoteAddress) {
        public static AuditView of(AuditEntry e) {
            return new AuditView(
                    e.id(),
                    e.at().toString(),
                    e.actor(),
                    e.role().orElse(null),
                    e.action(),
                    e.target().orElse(null),
                    e.detail().orElse(null),
                    e.remoteAddress().orElse(null));
        }

        /** Only when, who and what: for viewers of a run, who need not see remote addresses. */
        public static AuditView brief(AuditEntry e) {
            return new AuditView(null, e.at().toString(), e.actor(), null, e.action(), null, null, null);
        }
    }

    /** A page of the audit log, newest first; pass {@code next} as {@code before} for the following page. */
    public record AuditPage(List<AuditView> entries, String next) {}
}
