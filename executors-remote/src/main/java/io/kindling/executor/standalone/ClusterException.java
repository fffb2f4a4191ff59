package io.kindling.executor.standalone;

/** The cluster could not be reached or refused a request; the message says which and why, for people. */
final class ClusterException extends Exception {
    ClusterException(String message) {
        super(message);
    }

    ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
