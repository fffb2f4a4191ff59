package io.kindling.executor.local;

import io.kindling.dsl.TaskValues;
import java.math.BigDecimal;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * Task values between Spark and JSON: a result's cell as a JSON-like value (what a SQL task publishes), and the
 * values of upstream tasks as the struct literal the marker {@code :tasks} binds to.
 */
final class SparkValues {
    private SparkValues() {}

    /**
     * A cell of a result row as JSON: numbers, strings and booleans as they are, decimals exact, dates and times as
     * ISO-8601 text, binary as base64, arrays as lists, maps and structs as maps.
     */
    static Object fromSpark(Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Number) {
            return value instanceof BigDecimal || !(value instanceof Number) ? value : normalNumber((Number) value);
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant().toString();
        }
        if (value instanceof java.sql.Date || value instanceof Temporal) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Row row) {
            Map<String, Object> map = new LinkedHashMap<>();
            StructField[] fields = row.schema().fields();
            for (int i = 0; i < fields.length; i++) {
                map.put(fields[i].name(), fromSpark(row.get(i)));
            }
            return map;
        }
        if (value instanceof scala.collection.Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            scala.jdk.javaapi.CollectionConverters.asJava(map)
                    .forEach((k, v) -> out.put(String.valueOf(k), fromSpark(v)));
            return out;
        }
        if (value instanceof scala.collection.Iterable<?> seq) {
            List<Object> out = new ArrayList<>();
            scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(v -> out.add(fromSpark(v)));
            return out;
        }
        return value.toString();
    }

    private static Object normalNumber(Number n) {
        if (n instanceof Float || n instanceof Double) {
            double d = n.doubleValue();
            return Double.isNaN(d) || Double.isInfinite(d) ? String.valueOf(d) : d;
        }
        return n.longValue();
    }

    /** The first row of a result as a map of column name to value (the first of a repeated name wins). */
    static Map<String, Object> row(Row row) {
        Map<String, Object> values = new LinkedHashMap<>();
        StructField[] fields = row.schema().fields();
        for (int i = 0; i < fields.length; i++) {
            values.putIfAbsent(fields[i].name(), fromSpark(row.get(i)));
        }
        return values;
    }

    /**
     * The struct the marker {@code :tasks} binds to: a field per task, each a struct of its values, so that
     * {@code :tasks.load.rows} reads a value. Tasks that published nothing are left out.
     */
    static Column tasksStruct(Map<String, Map<String, Object>> values) {
        List<Column> tasks = new ArrayList<>();
        values.forEach((task, named) -> {
            if (!named.isEmpty()) {
                tasks.add(struct(named).as(task));
            }
        });
        return functions.struct(tasks.toArray(Column[]::new));
    }

    private static Column struct(Map<?, ?> named) {
        List<Column> fields = new ArrayList<>();
        named.forEach((name, value) -> fields.add(column(value).as(String.valueOf(name))));
        return functions.struct(fields.toArray(Column[]::new));
    }

    /** A JSON-like value (a map, a list, a scalar, null) as a literal column: structs, arrays and literals. */
    static Column literal(Object value) {
        return column(value);
    }

    private static Column column(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.isEmpty() ? functions.lit(null) : struct(map);
        }
        if (value instanceof List<?> list) {
            return functions.array(list.stream().map(SparkValues::column).toArray(Column[]::new));
        }
        return functions.lit(value);
    }

    /** The name the struct is bound to. */
    static final String MARKER = TaskValues.TASKS;
}
