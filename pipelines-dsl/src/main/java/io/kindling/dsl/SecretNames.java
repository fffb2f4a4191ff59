package io.kindling.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The {@code secrets.NAME} template names: what a well-formed one is, and where they are written. */
public final class SecretNames {
    static final String PREFIX = "secrets.";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SecretNames() {}

    /** Whether {@code name} is a valid secret name (the part after {@code secrets.}). */
    public static boolean isValid(String name) {
        return NAME.matcher(name).matches();
    }

    /** Whether a template name refers to a secret, well-formed or not. */
    static boolean isReference(String templateName) {
        return templateName.startsWith(PREFIX);
    }

    /** The secret a template name refers to, when it is {@code secrets.<valid name>}. */
    static Optional<String> secretOf(String templateName) {
        if (!isReference(templateName)) {
            return Optional.empty();
        }
        String name = templateName.substring(PREFIX.length());
        return isValid(name) ? Optional.of(name) : Optional.empty();
    }

    /** The problem with a template name that starts with {@code secrets.} but names no valid secret. */
    static String malformed(String templateName) {
        return "malformed secret name '" + templateName + "' (use secrets.NAME where NAME has letters, digits "
                + "and _, not starting with a digit)";
    }

    /** Whether {@code text} holds a {@code {{ secrets... }}} placeholder (a tool that has no secrets may skip it). */
    public static boolean appearIn(String text) {
        return !placeholders(text).isEmpty();
    }

    /** Whether the path or an option of {@code ref} holds a {@code {{ secrets... }}} placeholder. */
    public static boolean appearIn(DataRef ref) {
        return appearIn(ref.path()) || ref.options().values().stream().anyMatch(SecretNames::appearIn);
    }

    /** A {@code {{ secrets... }}} placeholder in a text, and the character index it starts at. */
    record Placeholder(String text, int index) {}

    /**
     * Every placeholder in {@code text} whose name starts with {@code secrets.}, well-formed or not. A plain
     * scan (no regular expression) so a long text cannot make it slow.
     */
    static List<Placeholder> placeholders(String text) {
        List<Placeholder> found = new ArrayList<>();
        int from = 0;
        int open;
        while ((open = text.indexOf("{{", from)) >= 0) {
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                break;
            }
            if (text.substring(open + 2, close).strip().startsWith(PREFIX)) {
                found.add(new Placeholder(text.substring(open, close + 2), open));
            }
            from = close + 2;
        }
        return found;
    }
}
