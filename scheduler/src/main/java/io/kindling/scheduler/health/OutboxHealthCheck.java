package io.kindling.scheduler.health;

import com.codahale.metrics.health.HealthCheck;
import io.kindling.scheduler.db.AlertDeliveryDao;

/** Alerts are getting out: the outbox holds fewer undelivered alerts than {@code limit}. */
public class OutboxHealthCheck extends HealthCheck {
    private final AlertDeliveryDao outbox;
    private final int limit;

    public OutboxHealthCheck(AlertDeliveryDao outbox, int limit) {
        this.outbox = outbox;
        this.limit = limit;
    }

    @Override
    protected Result check() {
        int backlog = outbox.backlog();
        return backlog < limit
                ? Result.healthy(backlog + " alert deliveries pending")
                : Result.unhealthy(backlog + " alert deliveries pending (limit " + limit
                        + "): a webhook receiver is down; see GET /api/v1/webhooks/deliveries?state=pending");
    }
}
