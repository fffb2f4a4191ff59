package io.kindling.scheduler.alerts;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How one send went: the receiver's status code when it gave one (HTTP; SMTP answers have none here), and an error
 * unless it was delivered.
 */
public record Outcome(Optional<Integer> status, Optional<String> error) {
    public Outcome {
        requireNonNull(status, "status is null");
        requireNonNull(error, "error is null");
    }

    public static Outcome delivered(Optional<Integer> status) {
        return new Outcome(status, Optional.empty());
    }

    public static Outcome failed(Optional<Integer> status, String error) {
        return new Outcome(status, Optional.of(error));
    }

    /** A failure that happened before or instead of an answer: a refused connection, a missing secret. */
    public static Outcome failed(Exception e) {
        return failed(Optional.empty(), describe(e));
    }

    public boolean isDelivered() {
        return error.isEmpty();
    }

    /** The exception's class and message, then its causes' messages: what a reader needs to fix it. */
    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            out.append(": ").append(e.getMessage());
        }
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !out.toString().contains(cause.getMessage())) {
                out.append(": ").append(cause.getMessage());
            }
        }
        return out.toString();
    }
}
