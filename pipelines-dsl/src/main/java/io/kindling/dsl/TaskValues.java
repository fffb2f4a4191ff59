package io.kindling.dsl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Task values: small named JSON values a task publishes for the tasks after it, read as {@code {{
 * tasks.<id>.values.<name> }}} outside SQL and as the parameter marker {@code :tasks.<id>.<name>} in SQL (the
 * marker {@code tasks} is bound as a struct of structs). A value is JSON-like: a string, number, boolean, null, a
 * list or a map of them.
 */
public final class TaskValues {
    /** The most bytes of JSON (UTF-8) a task's values may take. */
    public static final int MAX_BYTES = 48 * 1024;
    /** A value's name: an SQL identifier, so that {@code :tasks.<id>.<name>} parses. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    /** A task id that may be read in SQL: an identifier (task ids may otherwise hold {@code -} or start with a digit). */
    public static final Pattern SQL_ID = Pattern.compile("[a-z_][a-z0-9_]*");
    /** The SQL marker's name, also the template prefix. */
    public static final String TASKS = "tasks";

    static final String TEMPLATE_PREFIX = "tasks.";
    /** A template name {@code tasks.<id>.values.<name>}. */
    static final Pattern TEMPLATE = Pattern.compile("tasks\\.([a-z0-9_-]+)\\.values\\.([A-Za-z0-9_]+)");
    /** A marker {@code :tasks.<id>.<name>} in SQL, as far as written (not after {@code ::} or inside a name). */
    static final Pattern SQL_MARKER =
            Pattern.compile("(?<![A-Za-z0-9_:]):tasks\\b(?:\\.([A-Za-z0-9_-]*[A-Za-z0-9_]))?(?:\\.([A-Za-z0-9_]+))?");

    private TaskValues() {}

    /** One reference {@code task.name} (name empty when only {@code :tasks.<id>} was written). */
    record Ref(String task, String name, int offset) {}

    /** The {@code :tasks.<id>.<name>} markers of a SQL text, in order. */
    static List<Ref> sqlRefs(String sql) {
        List<Ref> refs = new ArrayList<>();
        Matcher m = SQL_MARKER.matcher(sql);
        while (m.find()) {
            refs.add(new Ref(m.group(1) == null ? "" : m.group(1), m.group(2) == null ? "" : m.group(2), m.start()));
        }
        return refs;
    }

    /** The tasks whose values a SQL text reads through {@code :tasks.<id>...}. */
    public static Set<String> sqlTasks(String sql) {
        Set<String> ids = new LinkedHashSet<>();
        sqlRefs(sql).forEach(r -> ids.add(r.task()));
        ids.remove("");
        return ids;
    }

    /** A value as a template renders it: text as is, numbers and booleans as written, lists and maps as JSON. */
    public static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        json(value, out);
        return out.toString();
    }

    /** A copy that keeps order and nulls, which {@link Map#copyOf} refuses. */
    public static Map<String, Object> copy(Map<String, ?> values) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    private static void json(Object value, StringBuilder out) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(sep);
                string(String.valueOf(e.getKey()), out);
                out.append(':');
                json(e.getValue(), out);
                sep = ",";
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            String sep = "";
            for (Object item : list) {
                out.append(sep);
                json(item, out);
                sep = ",";
            }
            out.append(']');
        } else {
            string(String.valueOf(value), out);
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
