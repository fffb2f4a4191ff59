package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Webhook names (from config.yml) to call per event.
 *
 * @param onDurationOver a run still going after this long alerts the {@code onFailure} webhooks
 */
public record Alerts(
        List<String> onFailure, List<String> onSuccess, List<String> onRetry, Optional<Duration> onDurationOver) {

    public static final Alerts NONE = new Alerts(List.of(), List.of(), List.of(), Optional.empty());

    public Alerts {
        onFailure = List.copyOf(onFailure);
        onSuccess = List.copyOf(onSuccess);
        onRetry = List.copyOf(onRetry);
        requireNonNull(onDurationOver, "onDurationOver is null");
    }
}
