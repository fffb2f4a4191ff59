package io.kindling.executor;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An attempt's log file, on every executor: Kindling's own lines, and on a cluster the driver's output copied in
 * as it arrives ({@link #raw}). Appends, so a re-attached attempt continues the file of its first life. Lines start with a UTC timestamp; each is flushed at once so the log can be tailed
 * while the attempt runs. Thread-safe (the attempt's thread and Spark's listener thread both write); lines
 * written after {@link #close} are dropped. Every line and stack trace goes through the attempt's
 * {@link Redactor}, so a secret the task was given is masked whoever writes it here. A log file stops growing at
 * its limit, keeping its start and its end ({@link CappedLogFile}).
 */
public final class AttemptLog implements AutoCloseable {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    /** An attempt log's limit unless the daemon's config says otherwise ({@code attemptLogLimit}). */
    public static final long DEFAULT_LIMIT = 10L * 1024 * 1024;

    /** Where the text goes. */
    private interface Sink {
        void write(String text) throws IOException;

        void close() throws IOException;
    }

    private final Clock clock;
    private final Sink out;
    private final Redactor redactor;
    private boolean closed;

    private AttemptLog(Clock clock, Sink out, Redactor redactor) {
        this.clock = clock;
        this.out = out;
        this.redactor = redactor;
    }

    /** The attempt's own log: the file, redactor and limit its request gives. */
    public static AttemptLog open(AttemptRequest request, Clock clock) throws IOException {
        return open(request.logFile(), clock, request.redactor(), request.logLimit());
    }

    /** How an attempt ends whose log cannot be written. */
    public static AttemptResult unwritable(AttemptRequest request, IOException e) {
        return AttemptResult.failed("cannot write the attempt log " + request.logFile() + ": " + e.getMessage());
    }

    /** Opens {@code file} for appending, creating it and its parent folders, with the default limit. */
    public static AttemptLog open(Path file, Clock clock, Redactor redactor) throws IOException {
        return open(file, clock, redactor, DEFAULT_LIMIT);
    }

    /** @param limit the most bytes the file grows to (at least 16 KiB), its start and its end kept */
    public static AttemptLog open(Path file, Clock clock, Redactor redactor, long limit) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        CappedLogFile capped = new CappedLogFile(file, limit);
        return new AttemptLog(
                clock,
                new Sink() {
                    @Override
                    public void write(String text) throws IOException {
                        capped.write(text);
                    }

                    @Override
                    public void close() throws IOException {
                        capped.close();
                    }
                },
                redactor);
    }

    /** A log on a stream someone else owns (a cluster driver's stderr); {@link #close} only flushes it. */
    public static AttemptLog on(java.io.OutputStream stream, Clock clock, Redactor redactor) {
        PrintWriter writer = new PrintWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8));
        return new AttemptLog(
                clock,
                new Sink() {
                    @Override
                    public void write(String text) {
                        writer.print(text);
                        writer.flush();
                    }

                    @Override
                    public void close() {
                        writer.flush();
                    }
                },
                redactor);
    }

    /** Writes one entry; lines after the first of a multi-line text are indented under it. */
    public synchronized void line(String text) {
        if (closed) {
            return;
        }
        String stamp = TIME.format(clock.instant());
        String[] lines = redactor.mask(text).split("\\R", -1);
        StringBuilder entry =
                new StringBuilder(stamp).append("  ").append(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            entry.append("    ").append(lines[i]).append('\n');
        }
        write(entry.toString());
    }

    public synchronized void stackTrace(Throwable failure) {
        if (closed) {
            return;
        }
        java.io.StringWriter trace = new java.io.StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        write(redactor.mask(trace.toString()));
    }

    /** Text from elsewhere (a driver's output), as it is but masked; best-effort per chunk. */
    public synchronized void raw(String text) {
        if (!closed && !text.isEmpty()) {
            write(redactor.mask(text));
        }
    }

    /** A log that cannot be written does not fail its attempt (as PrintWriter before it, which swallowed errors). */
    private void write(String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            // the attempt's result is recorded in the database all the same
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                out.close();
            } catch (IOException e) {
                // as write
            }
        }
    }
}
