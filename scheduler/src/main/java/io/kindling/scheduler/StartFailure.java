package io.kindling.scheduler;

import io.dropwizard.configuration.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/** Why the daemon could not start, as one line for people: the messages down the cause chain, without repeats. */
final class StartFailure {
    private static final int MAX_CAUSES = 4;
    /** "java.io.IOException: " before a message that wraps another exception's. */
    private static final java.util.regex.Pattern CLASS_PREFIX =
            java.util.regex.Pattern.compile("^([a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error): ");

    private StartFailure() {}

    static String describe(Throwable failure) {
        if (failure instanceof ConfigurationException config) {
            return oneLine(config.getMessage());
        }
        List<String> messages = new ArrayList<>();
        String text = "";
        for (Throwable t = failure; t != null && messages.size() < MAX_CAUSES; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : oneLine(t.getMessage());
            if (!message.isEmpty() && !text.contains(message)) {
                messages.add(message);
                text = String.join(": ", messages);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return text.isEmpty() ? failure.getClass().getName() : text;
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\\R\\s*", " ");
        for (String stripped = CLASS_PREFIX.matcher(line).replaceFirst("");
                !stripped.equals(line);
                stripped = CLASS_PREFIX.matcher(line).replaceFirst("")) {
            line = stripped;
        }
        return line;
    }
}
