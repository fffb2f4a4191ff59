package io.kindling.executor.local;

/** A failure whose message is already what the user should read; {@link Failures} passes it through as is. */
final class AttemptFailure extends Exception {

    AttemptFailure(String message) {
        super(message);
    }

    AttemptFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
