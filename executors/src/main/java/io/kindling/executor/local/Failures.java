package io.kindling.executor.local;

import io.kindling.executor.guard.SqlGuardException;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.AnalysisException;

/** Turns an exception into the one-paragraph error an attempt reports; the stack trace goes to the log. */
final class Failures {
    private static final int MAX_LENGTH = 2000;

    private Failures() {}

    static String message(Throwable failure) {
        if (failure instanceof AttemptFailure) {
            return failure.getMessage();
        }
        Throwable root = rootCause(failure);
        String text = root instanceof AnalysisException analysis ? analysis.getSimpleMessage() : root.getMessage();
        if (!(root instanceof SparkThrowable) && !(root instanceof SqlGuardException)) {
            String type = root.getClass().getSimpleName().isEmpty()
                    ? root.getClass().getName()
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

    /**
     * The text up to the first blank line or Spark's "== SQL ... ==" context block (which quotes the query
     * with a caret under the error; the log has it), on one line.
     */
    static String firstParagraph(String text) {
        StringBuilder paragraph = new StringBuilder();
        for (String line : text.strip().split("\\R")) {
            String stripped = line.strip();
            if (stripped.isEmpty() || stripped.startsWith("== ")) {
                break;
            }
            paragraph.append(paragraph.isEmpty() ? "" : " ").append(stripped);
        }
        String result = paragraph.isEmpty() ? text.strip() : paragraph.toString();
        return result.length() <= MAX_LENGTH ? result : result.substring(0, MAX_LENGTH) + "...";
    }
}
