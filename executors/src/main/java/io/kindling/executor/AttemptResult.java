package io.kindling.executor;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** How an attempt ended. {@code error} is a one-paragraph message for people; details are in the log. */
public record AttemptResult(Outcome outcome, Optional<String> error) {

    public enum Outcome {
        SUCCEEDED,
        FAILED,
        CANCELLED
    }

    public AttemptResult {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(error, "error is null");
    }

    public static AttemptResult succeeded() {
        return new AttemptResult(Outcome.SUCCEEDED, Optional.empty());
    }

    public static AttemptResult failed(String error) {
        return new AttemptResult(Outcome.FAILED, Optional.of(error));
    }

    public static AttemptResult cancelled(String reason) {
        return new AttemptResult(Outcome.CANCELLED, Optional.of(reason));
    }
}
