package io.kindling.scheduler.sources;

/** A source could not be brought up to date (fetch failed, folder missing); its last pipelines stay loaded. */
public final class SourceException extends RuntimeException {
    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
