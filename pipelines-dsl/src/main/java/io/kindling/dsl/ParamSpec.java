package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One declared param of a pipeline: its type, its default (the author's, trusted) and the checks a caller's value
 * must pass. A param without a default is required when a run is triggered.
 *
 * @param defaultValue the typed default, as {@link ParamType#parse} makes it
 * @param maxLength    the longest text a caller may give (strings and lists)
 * @param pattern      a regular expression (Java syntax) a string, or each list item, must match whole
 * @param values       for an enum, the values allowed
 */
public record ParamSpec(
        String name,
        ParamType type,
        Optional<Object> defaultValue,
        int maxLength,
        Optional<String> pattern,
        List<String> values) {
    /** The default {@code max_length}: a param is a value, not a payload. */
    public static final int DEFAULT_MAX_LENGTH = 4096;
    /** How much of a refused value a message shows. */
    private static final int SHOWN = 60;

    public ParamSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(defaultValue, "defaultValue is null");
        requireNonNull(pattern, "pattern is null");
        values = List.copyOf(values);
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1");
        }
        pattern.ifPresent(Pattern::compile); // a PatternSyntaxException is an IllegalArgumentException
        defaultValue.ifPresent(v -> {
            if (ParamType.of(v) != (type == ParamType.ENUM ? ParamType.STRING : type)) {
                throw new IllegalArgumentException("default " + v + " is not " + type.described());
            }
        });
    }

    /** A param of {@code type} with a default and no other check than the default length. */
    public static ParamSpec of(String name, ParamType type, Object defaultValue) {
        return new ParamSpec(name, type, Optional.of(defaultValue), DEFAULT_MAX_LENGTH, Optional.empty(), List.of());
    }

    public boolean required() {
        return defaultValue.isEmpty();
    }

    /**
     * The default, or for a required param a neutral value of its type (0, false, "", the first enum value, an
     * empty list, the epoch): what tools that run nothing, such as {@code validate --explain}, bind.
     */
    public Object example() {
        return defaultValue.orElseGet(() -> switch (type) {
            case INT -> 0;
            case LONG -> 0L;
            case DOUBLE -> 0.0;
            case BOOLEAN -> false;
            case DATE -> java.time.LocalDate.EPOCH;
            case TIMESTAMP -> java.time.Instant.EPOCH;
            case STRING -> "";
            case ENUM -> values.get(0);
            case LIST -> List.of();
        });
    }

    /** The default as text, as the run history stores it. */
    public Optional<String> defaultText() {
        return defaultValue.map(type::format);
    }

    /**
     * The typed value of what a caller gave: a value decoded from JSON ({@link String}, {@link Number},
     * {@link Boolean}, {@link List}) or text from a command line. A string is read strictly as the type ({@code "30"}
     * is the int 30, {@code "21 "} is refused); a JSON number or boolean must fit the type.
     *
     * @throws IllegalArgumentException saying what is wrong, naming the param
     */
    public Object check(Object given) {
        if (given == null) {
            throw refused(null);
        }
        if (type == ParamType.LIST && given instanceof List<?> items) {
            List<String> texts = new ArrayList<>();
            for (Object item : items) {
                if (!(item instanceof String || item instanceof Number || item instanceof Boolean)) {
                    throw new IllegalArgumentException(
                            "param '" + name + "' must be a list of strings, got an item " + shown(item));
                }
                texts.add(String.valueOf(item));
            }
            for (String item : texts) {
                if (item.contains(",")) {
                    throw new IllegalArgumentException(
                            "param '" + name + "': list items cannot hold ',', got " + shown(item));
                }
            }
            return checkText(String.join(",", texts), given);
        }
        if (given instanceof String text) {
            return checkText(text, given);
        }
        if (given instanceof Boolean || given instanceof Number) {
            return checkText(jsonText(given), given);
        }
        throw refused(given);
    }

    /**
     * The typed value of text the run history holds for this param (written by {@link #text} after a check).
     *
     * @throws IllegalArgumentException when it is not a value of this param (the pipeline changed its type)
     */
    public Object read(String text) {
        return checkText(text, text);
    }

    /** The text {@link #read} reads back as {@code value}. */
    public String text(Object value) {
        return type.format(value);
    }

    private Object checkText(String text, Object given) {
        if (text.length() > maxLength) {
            throw new IllegalArgumentException("param '" + name + "' is " + text.length() + " characters long; "
                    + "at most " + maxLength + " are allowed");
        }
        Object value = type.parse(text).orElseThrow(() -> refused(given));
        if (value instanceof List<?> items && items.contains("")) {
            throw new IllegalArgumentException("param '" + name + "': list items cannot be empty, got " + shown(given));
        }
        if (type == ParamType.ENUM && !values.contains(text)) {
            throw new IllegalArgumentException(
                    "param '" + name + "' must be one of " + values + ", got " + shown(given));
        }
        if (pattern.isPresent()) {
            Pattern regex = Pattern.compile(pattern.get());
            List<String> items = value instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : List.of(text);
            for (String item : items) {
                if (!regex.matcher(item).matches()) {
                    throw new IllegalArgumentException(
                            "param '" + name + "' must match the pattern " + pattern.get() + ", got " + shown(item));
                }
            }
        }
        return value;
    }

    private IllegalArgumentException refused(Object given) {
        return new IllegalArgumentException(
                "param '" + name + "' must be " + type.described() + ", got " + shown(given));
    }

    /** A JSON number or boolean as text: 30, 2.5, 30.0 (not an int), true. */
    private static String jsonText(Object number) {
        if (number instanceof BigDecimal d) {
            return d.toString();
        }
        return String.valueOf(number);
    }

    /** A value for a message: strings quoted and cut short, so a huge payload is never echoed whole. */
    static String shown(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        if (value instanceof java.util.Map<?, ?>) {
            return "a mapping";
        }
        if (!(value instanceof String text)) {
            return String.valueOf(value);
        }
        String cut = text.length() > SHOWN ? text.substring(0, SHOWN) + "..." : text;
        return "\"" + cut.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
