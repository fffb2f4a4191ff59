package io.kindling.executor;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An attempt's log file, on every executor: Kindling's own lines, and on a cluster the driver's output copied in
 * as it arrives ({@link #raw}). Appends, so a re-attached attempt continues the file of its first life. Lines start with a UTC timestamp; each is flushed at once so the log can be tailed
 * while the attempt runs. Thread-safe (the attempt's thread and Spark's listener thread both write); lines
 * written after {@link #close} are dropped. Every line and stack trace goes through the attempt's
 * {@link Redactor}, so a secret the task was given is masked whoever writes it here.
 */
public final class AttemptLog implements AutoCloseable {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final PrintWriter out;
    private final Redactor redactor;
    private boolean closed;

    private AttemptLog(Clock clock, PrintWriter out, Redactor redactor) {
        this.clock = clock;
        this.out = out;
        this.redactor = redactor;
    }

    /** Opens {@code file} for appending, creating it and its parent folders. */
    public static AttemptLog open(Path file, Clock clock, Redactor redactor) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedWriter writer = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new AttemptLog(clock, new PrintWriter(writer), redactor);
    }

    /** A log on a stream someone else owns (a cluster driver's stderr); {@link #close} only flushes it. */
    public static AttemptLog on(java.io.OutputStream stream, Clock clock, Redactor redactor) {
        return new AttemptLog(
                clock,
                new PrintWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8)) {
                    @Override
                    public void close() {
                        flush();
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
        out.println(stamp + "  " + lines[0]);
        for (int i = 1; i < lines.length; i++) {
            out.println("    " + lines[i]);
        }
        out.flush();
    }

    public synchronized void stackTrace(Throwable failure) {
        if (closed) {
            return;
        }
        java.io.StringWriter trace = new java.io.StringWriter();
        failure.printStackTrace(new PrintWriter(trace));
        out.print(redactor.mask(trace.toString()));
        out.flush();
    }

    /** Text from elsewhere (a driver's output), as it is but masked; best-effort per chunk. */
    public synchronized void raw(String text) {
        if (!closed && !text.isEmpty()) {
            out.print(redactor.mask(text));
            out.flush();
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
