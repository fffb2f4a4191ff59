package io.kindling.executor.guard;

/** Kindling's SQL guard refused a statement, a path or a setting; thrown before Spark acts on it. */
public final class SqlGuardException extends RuntimeException {
    private static final String HOW_TO_ALLOW = " (set allowUnsafeSql: true on the executor to allow)";

    public SqlGuardException(String message) {
        super(message);
    }

    /** "Kindling's SQL guard refuses {what}: {why} (set allowUnsafeSql: true ...)". */
    static SqlGuardException refuses(String what, String why) {
        return new SqlGuardException("Kindling's SQL guard refuses " + what + ": " + why + HOW_TO_ALLOW);
    }
}
