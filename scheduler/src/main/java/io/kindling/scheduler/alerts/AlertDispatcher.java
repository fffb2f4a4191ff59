package io.kindling.scheduler.alerts;

import io.dropwizard.lifecycle.Managed;
import io.kindling.scheduler.config.AlertingConfig;
import io.kindling.scheduler.config.WebhookConfig;
import io.kindling.scheduler.db.AlertDelivery;
import io.kindling.scheduler.db.AlertDelivery.DeliveryState;
import io.kindling.scheduler.db.AlertDeliveryDao;
import io.kindling.scheduler.db.DeliveryAttempt;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The outbox's delivery worker. It polls for due deliveries, takes each with a lease (so a restart, or another
 * daemon, sends it again only once the lease has run out) and sends it on its own threads, never the engine's, so
 * a slow receiver delays only alerts. A 2xx answer delivers; anything else is recorded and retried with backoff
 * until the retry period has passed. Redirects are not followed and at most {@link #RESPONSE_LIMIT} bytes of an
 * answer are read.
 */
public final class AlertDispatcher implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatcher.class);
    static final int RESPONSE_LIMIT = 64 * 1024;
    private static final int BATCH = 50;
    private static final int SENDERS = 4;

    private final AlertDeliveryDao outbox;
    private final Map<String, WebhookConfig> webhooks;
    private final Function<String, String> env;
    private final Backoff backoff;
    private final Duration retryFor;
    private final Duration pollInterval;
    private final Clock clock;
    private final HttpClient http;
    private final AtomicLong failures = new AtomicLong();
    private ScheduledExecutorService poller;
    private ExecutorService senders;

    /** The outbox's worker with config.yml's {@code alerting} timings, on real time. */
    public static AlertDispatcher of(
            AlertingConfig alerting,
            AlertDeliveryDao outbox,
            Map<String, WebhookConfig> webhooks,
            Function<String, String> env) {
        Backoff backoff = new Backoff(
                alerting.getInitialBackoff().toJavaDuration(),
                alerting.getMaxBackoff().toJavaDuration(),
                () -> ThreadLocalRandom.current().nextDouble());
        return new AlertDispatcher(
                outbox,
                webhooks,
                env,
                backoff,
                alerting.getRetryFor().toJavaDuration(),
                alerting.getPollInterval().toJavaDuration(),
                Clock.systemUTC());
    }

    /** @param env reads the environment variables that hold webhook secrets */
    public AlertDispatcher(
            AlertDeliveryDao outbox,
            Map<String, WebhookConfig> webhooks,
            Function<String, String> env,
            Backoff backoff,
            Duration retryFor,
            Duration pollInterval,
            Clock clock) {
        this.outbox = outbox;
        this.webhooks = Map.copyOf(webhooks);
        this.env = env;
        this.backoff = backoff;
        this.retryFor = retryFor;
        this.pollInterval = pollInterval;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
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
                if (outbox.claim(d, now.plus(timeout).plusSeconds(30))) {
                    senders.execute(() -> send(d, webhook, timeout));
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Alert outbox poll failed; trying again in {}", pollInterval, e);
        }
    }

    private void send(AlertDelivery d, WebhookConfig webhook, Duration timeout) {
        MDC.put("pipeline", d.pipelineId());
        MDC.put("run_id", d.runId());
        d.taskId().ifPresent(t -> MDC.put("task", t));
        try {
            int attempt = d.attempts() + 1;
            Instant started = now();
            Optional<Integer> status = Optional.empty();
            Optional<String> error = Optional.empty();
            try {
                HttpResponse<InputStream> response =
                        http.send(request(d, webhook, timeout, started), HttpResponse.BodyHandlers.ofInputStream());
                status = Optional.of(response.statusCode());
                String answer;
                try (InputStream in = response.body()) {
                    answer = new String(in.readNBytes(RESPONSE_LIMIT), StandardCharsets.UTF_8);
                }
                if (response.statusCode() / 100 != 2) {
                    error = Optional.of("HTTP " + response.statusCode()
                            + (answer.isBlank() ? "" : ": " + AlertMessages.excerpt(answer.strip())));
                }
            } catch (IOException | IllegalArgumentException e) {
                error = Optional.of(
                        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // stopping: the lease runs out and the next start sends it
            }
            Instant ended = now();
            DeliveryAttempt record = new DeliveryAttempt(
                    d.deliveryId(),
                    attempt,
                    started,
                    status,
                    error,
                    Duration.between(started, ended).toMillis());
            if (error.isEmpty()) {
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
                    error.get(),
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

    private HttpRequest request(AlertDelivery d, WebhookConfig webhook, Duration timeout, Instant at) {
        String body = AlertMessages.body(webhook.getFormat(), d.payload());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(webhook.getUrl()))
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        webhook.getHeaders().forEach(request::header);
        request.header("Content-Type", "application/json")
                .header("User-Agent", "Kindling")
                .header("X-Kindling-Event", d.eventType())
                .header("X-Kindling-Event-Id", d.eventId())
                .header("X-Kindling-Delivery", d.deliveryId());
        String secretEnv = webhook.getSecretEnv();
        String secret = secretEnv.isEmpty() ? null : env.apply(secretEnv);
        if (secret != null && !secret.isEmpty()) {
            request.header(Signature.HEADER, Signature.header(secret, at.getEpochSecond(), body));
        }
        return request.build();
    }
}
