package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** One thing wrong with a pipeline file, printed as {@code file:line:column: message} (1-based). */
public record Problem(Path file, int line, int column, String message) implements Comparable<Problem> {
    public Problem {
        requireNonNull(file, "file is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }

    @Override
    public int compareTo(Problem other) {
        int c = Integer.compare(line, other.line);
        return c != 0 ? c : Integer.compare(column, other.column);
    }
}
