package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

/**
 * {@code trigger: {events: {secret: NAME}}}: besides callers with a token, {@code POST
 * /api/v1/pipelines/{id}/events} accepts requests signed with HMAC-SHA256 under the secret {@code NAME} (looked up
 * as {@code {{ secrets.NAME }}} values are).
 *
 * @param secret the secret's name, never its value
 */
public record EventTrigger(String secret) {
    public EventTrigger {
        requireNonNull(secret, "secret is null");
    }
}
