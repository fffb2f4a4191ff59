package io.kindling.executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindling.dsl.TaskValues;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task values as JSON: what a task may publish (names that are SQL identifiers; strings, numbers, booleans, null,
 * lists and maps of them), at most {@link TaskValues#MAX_BYTES} bytes of JSON per task, and their JSON text as the
 * daemon stores it and processes pass it on.
 */
public final class TaskValuesJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private TaskValuesJson() {}

    /** The JSON text of {@code values}, refused when a name or value is not allowed or it is over the limit. */
    public static String encode(Map<String, Object> values) {
        values.forEach(TaskValuesJson::checkValue);
        String text;
        try {
            text = JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("task values cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > TaskValues.MAX_BYTES) {
            throw new IllegalArgumentException("task values take " + bytes + " bytes as JSON, over the limit of "
                    + TaskValues.MAX_BYTES + " (48 KiB) per task: publish something smaller, such as the path of data"
                    + " written elsewhere (values: " + String.join(", ", values.keySet()) + ")");
        }
        return text;
    }

    /** Values {@link #encode} wrote. */
    public static Map<String, Object> decode(String text) {
        try {
            Map<String, Object> values = JSON.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {});
            return values == null ? Map.of() : values;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored task values are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Checks one value a task publishes under {@code name}, and gives it as stored: numbers of any kind as
     * {@code Long}, {@code Double} or {@code BigDecimal}, lists and maps copied.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Object checkValue(String name, Object value) {
        if (name == null || !TaskValues.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a valid task value name (letters, digits and _,"
                    + " not starting with a digit, at most 64)");
        }
        return json(value, name);
    }

    private static Object json(Object value, String where) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("task value " + where + " is " + d + ", which JSON cannot hold");
            }
            return d;
        }
        if (value instanceof BigDecimal || value instanceof BigInteger) {
            return new BigDecimal(value.toString());
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    throw new IllegalArgumentException("task value " + where + " is a map whose keys are not strings");
                }
                copy.put(key, json(v, where + "." + key));
            });
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                copy.add(json(list.get(i), where + "[" + i + "]"));
            }
            return copy;
        }
        throw new IllegalArgumentException("task value " + where + " is a "
                + value.getClass().getName() + ": publish a string, number, boolean, null, or a list or map of them");
    }
}
