package io.kindling.scheduler.cli;

/**
 * Ends a command with a one-line message and no stack trace; exit status 1 unless the command says otherwise
 * (as {@code trigger --wait} does, so that scripts can tell a failed run from a cancelled one).
 */
public class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitStatus;

    public CommandFailedException(String message) {
        this(message, 1);
    }

    public CommandFailedException(String message, int exitStatus) {
        super(message, null, false, false);
        this.exitStatus = exitStatus;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
