package io.kindling.scheduler.alerts;

import io.dropwizard.lifecycle.Managed;
import io.kindling.scheduler.config.AlertingConfig;
import io.kindling.scheduler.config.WebhookConfig;
import io.kindling.scheduler.db.AlertDelivery;
import io.kindling.scheduler.db.AlertDelivery.DeliveryState;
import io.kindling.scheduler.db.AlertDeliveryDao;
import io.kindling.scheduler.db.DeliveryAttempt;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The outbox's delivery worker. It polls for due deliveries, takes each with a lease (so a restart, or another
 * daemon, sends it again only once the lease has run out) and sends it on its own threads, never the engine's, so
 * a slow receiver delays only alerts, through the entry's {@link Channel}. A delivered send is recorded; anything
 * else is recorded and retried with backoff until the retry period has passed.
 */
public final class AlertDispatcher implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
    private static final int BATCH = 50;
    private static final int SENDERS = 4;

    private final AlertDeliveryDao outbox;
    private final Map<String, WebhookConfig> webhooks;
    private final Channels channels;
    private final Backoff backoff;
    private final Duration retryFor;
    private final Duration pollInterval;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    private ScheduledExecutorService poller;
    private ExecutorService senders;

    /** The outbox's worker with config.yml's {@code alerting} timings, on real time. */
    public static AlertDispatcher of(
            AlertingConfig alerting, AlertDeliveryDao outbox, Map<String, WebhookConfig> webhooks, Channels channels) {
        Backoff backoff = new Backoff(
                alerting.getInitialBackoff().toJavaDuration(),
                alerting.getMaxBackoff().toJavaDuration(),
                () -> ThreadLocalRandom.current().nextDouble());
        return new AlertDispatcher(
                outbox,
                webhooks,
                channels,
                backoff,
                alerting.getRetryFor().toJavaDuration(),
                alerting.getPollInterval().toJavaDuration(),
                Clock.systemUTC());
    }

    /** @param channels the channel of each webhook that is on, shared with the test endpoint */
    public AlertDispatcher(
            AlertDeliveryDao outbox,
            Map<String, WebhookConfig> webhooks,
            Channels channels,
            Backoff backoff,
            Duration retryFor,
            Duration pollInterval,
            Clock clock) {
        this.outbox = outbox;
        this.webhooks = Map.copyOf(webhooks);
        this.channels = channels;
        this.backoff = backoff;
        this.retryFor = retryFor;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    @Override
    public void start() {
        senders = Executors.newFixedThreadPool(SENDERS, r -> daemon(r, "kindling-alerts"));
        poller = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kindling-alerts-poll"));
        poller.scheduleWithFixedDelay(this::poll, 0, Math.max(10, pollInterval.toMillis()), TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        // what is not sent now stays in the outbox for the next start
        poller.shutdownNow();
        senders.shutdownNow();
        senders.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Attempts that got no 2xx, since start: a metric. */
    public long failures() {
        return failures.get();
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void poll() {
        try {
            Instant now = now();
            for (AlertDelivery d : outbox.due(now, BATCH)) {
                WebhookConfig webhook = webhooks.get(d.webhook());
                if (webhook == null || !webhook.enabled()) {
                    outbox.giveUp(
                            d.deliveryId(),
                            "webhook '" + d.webhook() + "' is "
                                    + (webhook == null ? "not configured" : "off (no url)"));
                    continue;
                }
                Duration timeout = webhook.getTimeout().toJavaDuration();
                Channel channel = channels.get(d.webhook()).orElseThrow();
                if (outbox.claim(d, now.plus(timeout).plusSeconds(30))) {
                    senders.execute(() -> send(d, channel));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Alert outbox poll failed; trying again in {}", pollInterval, e);
        }
    }

    private void send(AlertDelivery d, Channel channel) {
        MDC.put("pipeline", d.pipelineId());
        MDC.put("run_id", d.runId());
        d.taskId().ifPresent(t -> MDC.put("task", t));
        try {
            int attempt = d.attempts() + 1;
            Instant started = now();
            Outcome outcome;
            try {
                outcome = channel.send(new Notice(d.deliveryId(), d.eventId(), d.eventType(), d.payload()), started);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // stopping: the lease runs out and the next start sends it
            }
            Instant ended = now();
            DeliveryAttempt record = new DeliveryAttempt(
                    d.deliveryId(),
                    attempt,
                    started,
                    outcome.status(),
                    outcome.error(),
                    Duration.between(started, ended).toMillis());
            if (outcome.isDelivered()) {
                outbox.recordAttempt(record, DeliveryState.DELIVERED, ended);
                LOG.info(
                        "Alert {} {} delivered to webhook {} (attempt {})",
                        d.eventType(),
                        d.eventId(),
                        d.webhook(),
                        attempt);
                return;
            }
            failures.incrementAndGet();
            Instant next = ended.plus(backoff.after(attempt));
            boolean giveUp = next.isAfter(d.retryFrom().plus(retryFor));
            outbox.recordAttempt(record, giveUp ? DeliveryState.FAILED : DeliveryState.PENDING, next);
            LOG.warn(
                    "Alert {} {} to webhook {} failed (attempt {}): {}; {}",
                    d.eventType(),
                    d.eventId(),
                    d.webhook(),
                    attempt,
                    outcome.error().get(),
                    giveUp ? "giving up" : "retrying at " + next);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not record the delivery of alert {}; its lease runs out and it is sent again",
                    d.deliveryId(),
                    e);
        } finally {
            MDC.clear();
        }
    }
}
