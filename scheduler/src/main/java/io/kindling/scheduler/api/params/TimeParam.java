package io.kindling.scheduler.api.params;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * An optional ISO-8601 UTC time such as {@code 2026-10-01T00:00:00Z}; empty when absent or empty. (Dropwizard's
 * {@code InstantParam} reads epoch milliseconds, not this.)
 */
public final class TimeParam extends ApiParam<Optional<Instant>> {
    public TimeParam(String input, String name) {
        super(input, name);
    }

    @Override
    protected Optional<Instant> parse(String input) {
        if (input == null || input.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(input));
        } catch (DateTimeParseException e) {
            throw refused("{name} must be an ISO-8601 UTC time such as 2026-10-01T00:00:00Z, got " + "'{input}'");
        }
    }
}
