package io.kindling.scheduler.cli;

/** Ends a command with exit status 1 and a one-line message, without a stack trace. */
public class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommandFailedException(String message) {
        super(message, null, false, false);
    }
}
