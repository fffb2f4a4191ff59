package io.kindling.scheduler.alerts;

import io.kindling.scheduler.config.WebhookConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The channel of each {@code webhooks:} entry that is on, made once at start from config.yml (whose validation has
 * checked every field a format needs). One HTTP client serves them all.
 */
public final class Channels {
    private final Map<String, Channel> byName;
    private final Map<String, WebhookConfig> webhooks;
    private final List<String> names;

    private Channels(Map<String, Channel> byName, Map<String, WebhookConfig> webhooks) {
        this.byName = Map.copyOf(byName);
        this.webhooks = Map.copyOf(webhooks);
        this.names = List.copyOf(webhooks.keySet());
    }

    /** @param env reads the variables that hold secrets, at each send */
    public static Channels of(Map<String, WebhookConfig> webhooks, Function<String, String> env) {
        // Built with the first delivery: a client sets up TLS as it is built (a few hundred classes and
        // 0.1-0.2 s of a start), and most daemons send nothing for a while.
        Supplier<HttpClient> http = memoize(() -> HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build());
        Map<String, Channel> out = new LinkedHashMap<>();
        webhooks.forEach((name, webhook) -> {
            if (webhook.enabled()) {
                out.put(name, channel(name, webhook, env, http));
            }
        });
        return new Channels(out, webhooks);
    }

    /** The channel of an entry that is on; empty for one that is off or not configured. */
    public Optional<Channel> get(String webhook) {
        return Optional.ofNullable(byName.get(webhook));
    }

    /** Every configured entry's name, on or off, in config.yml's order. */
    public List<String> names() {
        return List.copyOf(names);
    }

    public Optional<WebhookConfig> config(String webhook) {
        return Optional.ofNullable(webhooks.get(webhook));
    }

    private static <T> Supplier<T> memoize(Supplier<T> make) {
        return new Supplier<>() {
            private T value;

            @Override
            public synchronized T get() {
                if (value == null) {
                    value = make.get();
                }
                return value;
            }
        };
    }

    static Channel channel(
            String name, WebhookConfig webhook, Function<String, String> env, Supplier<HttpClient> http) {
        Duration timeout = webhook.getTimeout().toJavaDuration();
        if (webhook.getFormat() == WebhookConfig.Format.email) {
            return new EmailChannel(webhook.getEmail(), timeout, env);
        }
        HttpChannel.Bodies bodies = switch (webhook.getFormat()) {
            case json -> (event, json) -> List.of(json);
            case slack -> (event, json) -> List.of(AlertMessages.text(AlertMessages.slack(event)));
            case teams -> (event, json) -> List.of(AlertMessages.text(TeamsCard.of(event)));
            case pagerduty -> (event, json) -> PagerDutyEvents.bodies(event, routingKey(name, webhook, env));
            case template -> {
                TemplateBody template = new TemplateBody(webhook.getTemplate(), webhook.getContentType());
                yield (event, json) -> List.of(template.render(event, json));
            }
            case email -> throw new IllegalStateException("handled above");
        };
        String contentType =
                webhook.getFormat() == WebhookConfig.Format.template ? webhook.getContentType() : "application/json";
        return new HttpChannel(
                URI.create(webhook.getUrl()),
                timeout,
                webhook.getHeaders(),
                contentType,
                webhook.getSecretEnv(),
                env,
                bodies,
                http);
    }

    /** Read at each send and put only in the request: the outbox holds the event, never the key. */
    private static String routingKey(String name, WebhookConfig webhook, Function<String, String> env) {
        String key = env.apply(webhook.getRoutingKeyEnv());
        if (key == null || key.isBlank()) {
            throw new IllegalStateException("webhook '" + name + "': the PagerDuty routing key variable "
                    + webhook.getRoutingKeyEnv() + " is not set");
        }
        return key.strip();
    }
}
