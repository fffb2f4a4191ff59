package io.kindling.executor.local;

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
 * An attempt's log file. Lines start with a UTC timestamp; each is flushed at once so the log can be tailed
 * while the attempt runs. Thread-safe (the attempt's thread and Spark's listener thread both write); lines
 * written after {@link #close} are dropped.
 */
final class AttemptLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final PrintWriter out;
    private boolean closed;

    private AttemptLog(Clock clock, PrintWriter out) {
        this.clock = clock;
        this.out = out;
    }

    /** Opens {@code file} for appending, creating it and its parent folders. */
    static AttemptLog open(Path file, Clock clock) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return new AttemptLog(clock, new PrintWriter(writer));
    }

    /** A log on a stream someone else owns (a cluster driver's stderr); {@link #close} only flushes it. */
    static AttemptLog on(java.io.OutputStream stream, Clock clock) {
        return new AttemptLog(clock, new PrintWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8)) {
            @Override
            public void close() {
                flush();
            }
        });
    }

    /** Writes one entry; lines after the first of a multi-line text are indented under it. */
    synchronized void line(String text) {
        if (closed) {
            return;
        }
        String stamp = TIME.format(clock.instant());
        String[] lines = text.split("\\R", -1);
        out.println(stamp + "  " + lines[0]);
        for (int i = 1; i < lines.length; i++) {
            out.println("    " + lines[i]);
        }
        out.flush();
    }

    synchronized void stackTrace(Throwable failure) {
        if (closed) {
            return;
        }
        failure.printStackTrace(out);
        out.flush();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
