package io.kindling.scheduler.api;

import java.time.Instant;
import java.util.Optional;

/** Formatting shared by the JSON representations: times are ISO-8601 UTC strings, absent values null. */
final class Views {
    private Views() {}

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    static String time(Optional<Instant> instant) {
        return instant.map(Instant::toString).orElse(null);
    }

    static Long durationMillis(Optional<Instant> start, Optional<Instant> end) {
        return start.isPresent() && end.isPresent()
                ? end.get().toEpochMilli() - start.get().toEpochMilli()
                : null;
    }
}
