package io.kindling.executor.local;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** Formats the first rows of a result as a text table for the attempt log. */
final class PreviewTable {
    static final int ROWS = 20;
    private static final int MAX_CELL = 40;

    private PreviewTable() {}

    /** {@code rows} may hold one more than {@link #ROWS}, which only says that there are more. */
    static String format(String[] columns, List<Row> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.clone());
        for (Row row : rows.subList(0, Math.min(rows.size(), ROWS))) {
            String[] values = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                values[i] = cell(row.isNullAt(i) ? "NULL" : String.valueOf(row.get(i)));
            }
            cells.add(values);
        }
        int[] widths = new int[columns.length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        String rule = rule(widths);
        table.append(rule).append('\n');
        for (int r = 0; r < cells.size(); r++) {
            table.append('|');
            for (int i = 0; i < widths.length; i++) {
                table.append(' ').append(pad(cells.get(r)[i], widths[i])).append(" |");
            }
            table.append('\n');
            if (r == 0) {
                table.append(rule).append('\n');
            }
        }
        table.append(rule);
        if (rows.size() > ROWS) {
            table.append("\nonly the first ").append(ROWS).append(" rows are shown");
        }
        return table.toString();
    }

    private static String cell(String value) {
        String oneLine = value.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        return oneLine.length() <= MAX_CELL ? oneLine : oneLine.substring(0, MAX_CELL - 3) + "...";
    }

    private static String rule(int[] widths) {
        StringBuilder rule = new StringBuilder("+");
        for (int width : widths) {
            rule.append("-".repeat(width + 2)).append('+');
        }
        return rule.toString();
    }

    private static String pad(String value, int width) {
        return value + " ".repeat(width - value.length());
    }
}
