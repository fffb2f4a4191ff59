package io.kindling.dsl;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Webhook names (from config.yml) to call per event. */
public record Alerts(
        List<String> onFailure,
        List<String> onSuccess,
        List<String> onRetry,
        Optional<Duration> durationOver,
        List<String> onDurationOver) {

    public static final Alerts NONE = new Alerts(List.of(), List.of(), List.of(), Optional.empty(), List.of());

    public Alerts {
        onFailure = List.copyOf(onFailure);
        onSuccess = List.copyOf(onSuccess);
        onRetry = List.copyOf(onRetry);
        onDurationOver = List.copyOf(onDurationOver);
    }
}
