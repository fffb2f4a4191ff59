package io.kindling.executor.local;

import java.util.HashSet;
import java.util.Set;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;

/** Turns an exception into the one-paragraph error an attempt reports; the stack trace goes to the log. */
final class Failures {
    private static final int MAX_LENGTH = 2000;

    private Failures() {
    }

    static String message(Throwable failure) {
        if (failure instanceof AttemptFailure) {
            return failure.getMessage();
        }
        Throwable root = rootCause(failure);
        String text = root instanceof AnalysisException analysis ? analysis.getSimpleMessage() : root.getMessage();
        if (!(root instanceof SparkThrowable)) {
            String type = root.getClass().getSimpleName().isEmpty() ? root.getClass().getName()
                    : root.getClass().getSimpleName();
            text = text == null || text.isBlank() ? type : type + ": " + text;
        }
        return firstParagraph(text);
    }

    /** The innermost cause: the one that says what actually went wrong (Spark wraps task errors). */
    static Throwable rootCause(Throwable failure) {
        Set<Throwable> seen = new HashSet<>();
        Throwable current = failure;
        while (current.getCause() != null && seen.add(current)) {
            current = current.getCause();
        }
        return current;
    }

    /** Up to the first blank line (Spark's parse errors follow with a "== SQL ==" block), on one line. */
    static String firstParagraph(String text) {
        String stripped = text.strip().replace("\r\n", "\n");
        int blank = stripped.indexOf("\n\n");
        String paragraph = (blank < 0 ? stripped : stripped.substring(0, blank))
                .lines().map(String::strip).reduce((a, b) -> a + " " + b).orElse("");
        return paragraph.length() <= MAX_LENGTH ? paragraph : paragraph.substring(0, MAX_LENGTH) + "...";
    }
}
