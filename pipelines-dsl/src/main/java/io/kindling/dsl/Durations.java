package io.kindling.dsl;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in pipeline files: whole numbers with a unit, largest unit first, each unit at most
 * once: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, {@code 2d}, {@code 1h30m}, {@code 1m30s500ms}.
 * No signs, fractions, spaces or bare numbers.
 */
public final class Durations {
    private static final Pattern FORMAT =
            Pattern.compile("(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m(?!s))?(?:(\\d+)s)?(?:(\\d+)ms)?");
    private static final Duration[] UNITS = {
        Duration.ofDays(1), Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMillis(1)
    };
    private static final String HINT = "use a whole number and a unit, e.g. 500ms, 30s, 10m, 1h, 2d or 1h30m";

    private Durations() {}

    /** Parses a duration; anything else is an {@link IllegalArgumentException} with a user-facing message. */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty duration (" + HINT + ")");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + text + "' (" + HINT + ")");
        }
        Duration total = Duration.ZERO;
        try {
            for (int i = 0; i < UNITS.length; i++) {
                String amount = m.group(i + 1);
                if (amount != null) {
                    total = total.plus(UNITS[i].multipliedBy(Long.parseLong(amount)));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too long");
        }
        return total;
    }

    /** The shortest text {@link #parse} reads back as {@code duration}, e.g. {@code 1h30m}; zero is {@code 0s}. */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration " + duration);
        }
        if (duration.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        String[] names = {"d", "h", "m", "s", "ms"};
        Duration rest = duration.withNanos(duration.getNano() / 1_000_000 * 1_000_000);
        for (int i = 0; i < UNITS.length; i++) {
            long amount = rest.dividedBy(UNITS[i]);
            if (amount > 0) {
                out.append(amount).append(names[i]);
                rest = rest.minus(UNITS[i].multipliedBy(amount));
            }
        }
        return out.length() == 0 ? "0s" : out.toString();
    }
}
