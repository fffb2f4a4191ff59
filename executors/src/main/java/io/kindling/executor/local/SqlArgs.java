package io.kindling.executor.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SQL body's marker values ({@code TaskBody.Sql#args}) as Spark's {@code sql(String, Map)} binds them: every
 * type as it is, but a list as a {@code String[]}, which Spark turns into an array literal (it refuses a
 * {@link List}).
 */
public final class SqlArgs {
    private SqlArgs() {}

    /** For attempt logs: {@code :name=value} pairs, strings quoted, in order. */
    public static String describe(Map<String, Object> args) {
        return String.join(
                ", ",
                args.entrySet().stream()
                        .map(e -> ":" + e.getKey() + "="
                                + (e.getValue() instanceof String text
                                        ? "'" + text + "'"
                                        : String.valueOf(e.getValue())))
                        .toList());
    }

    public static Map<String, Object> forSpark(Map<String, Object> args) {
        Map<String, Object> spark = new LinkedHashMap<>();
        args.forEach((name, value) -> spark.put(name, forSpark(value)));
        return spark;
    }

    /**
     * A list of strings (a list param) as a {@code String[]}; a for-each's item that is an object, a list of other
     * values or null as a literal column (a struct, an array), which Spark binds too.
     */
    private static Object forSpark(Object value) {
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String::valueOf).toArray(String[]::new);
        }
        if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
            return SparkValues.literal(value);
        }
        return value;
    }
}
