package io.kindling.scheduler.api;

import java.util.List;

/** {@code GET /api/v1/webhooks}: config.yml's webhook entries, in its order, without their URLs or secrets. */
public record WebhookList(List<Entry> webhooks) {
    public WebhookList {
        webhooks = List.copyOf(webhooks);
    }

    /** @param enabled whether alerts are sent (an entry without a url is off) */
    public record Entry(String name, String format, boolean enabled) {}
}
