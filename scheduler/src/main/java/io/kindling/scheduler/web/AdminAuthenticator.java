package io.kindling.scheduler.web;

/**
 * Decides who may use the admin port (tasks, thread dumps, metrics). The daemon's token store implements it
 * once it has roles; until then {@link EnvAdminToken} does.
 */
@FunctionalInterface
public interface AdminAuthenticator {
    /** @param bearerToken the token of {@code Authorization: Bearer <token>}, never null */
    boolean isAdmin(String bearerToken);
}
