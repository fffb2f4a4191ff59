package io.kindling.executor.guard;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The guard's executor options in config.yml, shared by the executors that run SQL in a Spark they start.
 *
 * @param allowedRoots   {@value #ALLOWED_ROOTS}: folders and URI prefixes SQL may read and write besides the
 *                       executor's workDir (comma-separated)
 * @param allowUnsafeSql {@value #ALLOW_UNSAFE_SQL}: turns the guard off
 */
public record GuardOptions(List<String> allowedRoots, boolean allowUnsafeSql) {
    public static final String ALLOWED_ROOTS = "allowedRoots";
    public static final String ALLOW_UNSAFE_SQL = "allowUnsafeSql";
    /** The option names, for executors' lists of known options. */
    public static final List<String> NAMES = List.of(ALLOWED_ROOTS, ALLOW_UNSAFE_SQL);

    public GuardOptions {
        allowedRoots = List.copyOf(allowedRoots);
    }

    /** Reads the two options; {@code where} starts an error message (it names the executor). */
    public static GuardOptions from(Map<String, String> options, String where) {
        List<String> roots = Arrays.stream(
                        options.getOrDefault(ALLOWED_ROOTS, "").split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        String unsafe = options.getOrDefault(ALLOW_UNSAFE_SQL, "false").strip();
        if (!unsafe.equals("true") && !unsafe.equals("false")) {
            throw new IllegalArgumentException(
                    where + "option '" + ALLOW_UNSAFE_SQL + "' must be true or false, not '" + unsafe + "'");
        }
        return new GuardOptions(roots, Boolean.parseBoolean(unsafe));
    }
}
