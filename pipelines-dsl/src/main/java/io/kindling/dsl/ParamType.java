package io.kindling.dsl;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The type of a pipeline param, and how its values are written as text (in the run history, on the command line,
 * to the cluster runner) and read back. Reading is strict: no trimming, no leniency, so that text that is not
 * exactly a value of the type is refused rather than guessed at.
 *
 * <p>Typed values are JDK objects that Spark binds as SQL literals: {@link Integer}, {@link Long}, {@link Double},
 * {@link Boolean}, {@link LocalDate}, {@link Instant}, {@link String} (string and enum) and {@code List<String>}.
 */
public enum ParamType {
    INT("int", "an int"),
    LONG("long", "a long"),
    DOUBLE("double", "a double"),
    BOOLEAN("boolean", "a boolean (true or false)"),
    DATE("date", "a date (yyyy-MM-dd)"),
    TIMESTAMP("timestamp", "a timestamp (ISO-8601 with an offset, such as 2026-12-03T10:00:00Z)"),
    STRING("string", "a string"),
    ENUM("enum", "one of the listed values"),
    LIST("list", "a list of strings");

    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,19}");
    private static final Pattern DECIMAL =
            Pattern.compile("[-+]?([0-9]{1,400}(\\.[0-9]{0,400})?|\\.[0-9]{1,400})([eE][-+]?[0-9]{1,4})?");
    private static final Pattern DAY = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    private final String yamlName;
    private final String described;

    ParamType(String yamlName, String described) {
        this.yamlName = yamlName;
        this.described = described;
    }

    /** The name written after {@code type:} in a pipeline file. */
    public String yamlName() {
        return yamlName;
    }

    /** How messages name a value of this type: "an int", "a date (yyyy-MM-dd)". */
    public String described() {
        return described;
    }

    public static Optional<ParamType> named(String yamlName) {
        return Arrays.stream(values()).filter(t -> t.yamlName.equals(yamlName)).findFirst();
    }

    /** The names of every type, for messages. */
    public static String names() {
        return String.join(
                ", ", Arrays.stream(values()).map(ParamType::yamlName).toList());
    }

    /**
     * The typed value {@code text} is, or empty when it is not exactly one. A list is its items separated by
     * {@code ,} (items cannot hold a comma). A string or enum is the text itself.
     */
    public Optional<Object> parse(String text) {
        try {
            return Optional.ofNullable(
                    switch (this) {
                        case INT -> INTEGER.matcher(text).matches() ? Integer.parseInt(text) : null;
                        case LONG -> INTEGER.matcher(text).matches() ? Long.parseLong(text) : null;
                        case DOUBLE -> DECIMAL.matcher(text).matches() ? finite(Double.parseDouble(text)) : null;
                        case BOOLEAN ->
                            text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
                        case DATE -> DAY.matcher(text).matches() ? LocalDate.parse(text) : null;
                        case TIMESTAMP -> OffsetDateTime.parse(text).toInstant();
                        case STRING, ENUM -> text;
                        case LIST -> text.isEmpty() ? List.of() : List.of(text.split(",", -1));
                    });
        } catch (NumberFormatException | DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The text {@link #parse} reads back as {@code value} (a value of this type). */
    public String format(Object value) {
        if (value instanceof List<?> items) {
            return String.join(",", items.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }

    /** The type of a typed value, as {@link #parse} makes them. */
    public static ParamType of(Object value) {
        if (value instanceof Integer) {
            return INT;
        } else if (value instanceof Long) {
            return LONG;
        } else if (value instanceof Double) {
            return DOUBLE;
        } else if (value instanceof Boolean) {
            return BOOLEAN;
        } else if (value instanceof LocalDate) {
            return DATE;
        } else if (value instanceof Instant) {
            return TIMESTAMP;
        } else if (value instanceof String) {
            return STRING;
        } else if (value instanceof List<?>) {
            return LIST;
        }
        throw new IllegalArgumentException("not a param value: "
                + (value == null ? "null" : value.getClass().getName()));
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    @Override
    public String toString() {
        return yamlName.toLowerCase(Locale.ROOT);
    }
}
