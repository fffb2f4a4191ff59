package io.kindling.dsl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task values a SQL task publishes ({@code values:}): each named statement's first row's first column, or with
 * {@code values: last_row} every column of the last statement's first row, by column name.
 *
 * @param named   value name to the statement that gives it, in file order
 * @param lastRow whether the last statement's first row is published
 */
public record SqlValues(Map<String, String> named, boolean lastRow) {
    public static final SqlValues NONE = new SqlValues(Map.of(), false);
    /** The scalar form of {@code values:}. */
    public static final String LAST_ROW = "last_row";

    public SqlValues {
        named = Collections.unmodifiableMap(new LinkedHashMap<>(named));
        if (lastRow && !named.isEmpty()) {
            throw new IllegalArgumentException("values: is either last_row or named statements, not both");
        }
    }

    public boolean isEmpty() {
        return named.isEmpty() && !lastRow;
    }
}
