package io.kindling.executor.connect;

/**
 * A failure inside the Spark Connect client. Its classes belong to the client's class loader, so the cause is
 * kept for the stack trace in the log and the message is taken from it here.
 */
final class ConnectFailure extends Exception {
    ConnectFailure(Throwable cause) {
        super(messageOf(cause), cause);
    }

    /** The server does not know the operation or session that was asked for (the bridge says so with a JDK type). */
    boolean notFound() {
        return getCause() instanceof java.util.NoSuchElementException;
    }

    private static String messageOf(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null
                && root.getCause() != root
                && (root.getMessage() == null || root.getMessage().isBlank())) {
            root = root.getCause();
        }
        String text = root.getMessage();
        String type = root.getClass().getSimpleName();
        return text == null || text.isBlank() ? type : text;
    }
}
