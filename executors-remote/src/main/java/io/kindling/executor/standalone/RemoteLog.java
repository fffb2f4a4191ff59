package io.kindling.executor.standalone;

import io.kindling.executor.Redactor;
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
 * A remote attempt's log file (spark-standalone and spark-connect): Kindling's own lines with a UTC timestamp, and the driver's log copied in as it
 * arrives. Appends, so a re-attached attempt continues the file of its first life. Thread-safe. Everything goes
 * through the attempt's {@link Redactor} (for copied driver output, per chunk as it arrives: best-effort).
 */
public final class RemoteLog implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);

    private final Clock clock;
    private final PrintWriter out;
    private final Redactor redactor;
    private boolean closed;

    private RemoteLog(Clock clock, PrintWriter out, Redactor redactor) {
        this.clock = clock;
        this.out = out;
        this.redactor = redactor;
    }

    public static RemoteLog open(Path file, Clock clock, Redactor redactor) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new RemoteLog(clock, new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)), redactor);
    }

    public synchronized void line(String text) {
        if (!closed) {
            out.println(TIME.format(clock.instant()) + "  " + redactor.mask(text));
            out.flush();
        }
    }

    /** Text from the cluster, as it is. */
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
