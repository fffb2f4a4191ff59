package io.kindling.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kindling's own check of each field of a Quartz cron expression, before Quartz sees it: every mistake is named by
 * its field ({@code cron: minute: value 61 is out of range 0-59}), never by a Java exception's text, and what Quartz
 * would accept but read differently from what is written is fixed or refused. A step after a range or a name in
 * the month and day-of-week fields ({@code MON-FRI/2}, {@code JAN-DEC/3}), which Quartz silently drops, is written
 * out as the list of names it means ({@code MON,WED,FRI}).
 */
final class CronFields {
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private record Field(String name, int min, int max, List<String> names) {
        boolean named() {
            return !names.isEmpty();
        }
    }

    private static final Field SECOND = new Field("second", 0, 59, List.of());
    private static final Field MINUTE = new Field("minute", 0, 59, List.of());
    private static final Field HOUR = new Field("hour", 0, 23, List.of());
    private static final Field DAY_OF_MONTH = new Field("day-of-month", 1, 31, List.of());
    private static final Field MONTH = new Field("month", 1, 12, MONTHS);
    private static final Field DAY_OF_WEEK = new Field("day-of-week", 1, 7, DAYS);
    private static final Field YEAR = new Field("year", 1970, 2099, List.of());
    private static final Field[] FIELDS = {SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR};

    private static final String VALUE = "(\\d{1,9}|[A-Z]+)";
    private static final Pattern TERM = Pattern.compile("(\\*|" + VALUE + "(?:-" + VALUE + ")?)(?:/(.*))?");
    private static final Pattern LAST_OFFSET = Pattern.compile("L-(\\d{1,9})");
    private static final Pattern WEEKDAY = Pattern.compile("(\\d{1,9})W");
    private static final Pattern LAST_DAY_OF_WEEK = Pattern.compile(VALUE + "L");
    private static final Pattern NTH_DAY_OF_WEEK = Pattern.compile(VALUE + "#(.*)");

    private CronFields() {}

    /**
     * The fields of a 6- or 7-field Quartz expression, checked, upper-cased, with stepped month and day-of-week
     * terms written out; an {@link IllegalArgumentException} saying which field is wrong and why otherwise.
     */
    static String[] normalize(String[] fields) {
        String[] out = new String[fields.length];
        for (int i = 0; i < fields.length; i++) {
            out[i] = field(FIELDS[i], fields[i].toUpperCase(Locale.ROOT));
        }
        boolean domFree = out[3].equals("?");
        boolean dowFree = out[5].equals("?");
        if (domFree == dowFree) {
            throw new IllegalArgumentException("cron: day-of-month and day-of-week: exactly one of them must be '?' "
                    + "in a Quartz expression (e.g. '0 0 12 ? * WED' or '0 0 12 1 * ?')");
        }
        return out;
    }

    /** Whether the minute or the hour field is {@code *} or {@code *}/n: cronie's "wildcard" jobs. */
    static boolean wildcardTime(String quartz) {
        String[] f = quartz.trim().split("\\s+");
        return f[1].startsWith("*") || f[2].startsWith("*");
    }

    private static String field(Field field, String text) {
        if (text.equals("?")) {
            if (field != DAY_OF_MONTH && field != DAY_OF_WEEK) {
                throw error(field, "'?' is only allowed in day-of-month and day-of-week");
            }
            return text;
        }
        if (field == DAY_OF_MONTH && special(text, field)) {
            return text;
        }
        if (field == DAY_OF_WEEK && special(text, field)) {
            return text;
        }
        List<String> terms = new ArrayList<>();
        for (String term : text.split(",", -1)) {
            if (term.isEmpty()) {
                throw error(field, "empty list entry in '" + text + "'");
            }
            terms.add(term(field, term));
        }
        return String.join(",", terms);
    }

    /** L, L-n, LW, nW in day-of-month; L, dL, d#n in day-of-week: each only alone in its field. */
    private static boolean special(String text, Field field) {
        boolean special = field == DAY_OF_MONTH
                ? text.contains("L") || text.contains("W")
                : text.contains("#") || text.endsWith("L") || text.contains("L,");
        if (!special) {
            return false;
        }
        String only = " (L, W and # must be alone in their field)";
        if (text.contains(",")) {
            throw error(field, "cannot combine '" + text + "' with a list" + only);
        }
        if (field == DAY_OF_MONTH) {
            if (text.equals("L") || text.equals("LW")) {
                return true;
            }
            Matcher offset = LAST_OFFSET.matcher(text);
            if (offset.matches()) {
                int days = Integer.parseInt(offset.group(1));
                if (days > 30) {
                    throw error(field, "'" + text + "': at most 30 days before the last day (L-30)");
                }
                return true;
            }
            Matcher weekday = WEEKDAY.matcher(text);
            if (weekday.matches()) {
                value(field, weekday.group(1));
                return true;
            }
            throw error(field, "cannot read '" + text + "' (use L, L-n, LW or nW, e.g. 15W)");
        }
        if (text.equals("L")) {
            return true;
        }
        Matcher last = LAST_DAY_OF_WEEK.matcher(text);
        if (last.matches()) {
            value(field, last.group(1));
            return true;
        }
        Matcher nth = NTH_DAY_OF_WEEK.matcher(text);
        if (nth.matches()) {
            value(field, nth.group(1));
            if (!nth.group(2).matches("[1-5]")) {
                throw error(field, "'" + text + "': # must be followed by 1 to 5 (the nth such day of the month)");
            }
            return true;
        }
        throw error(field, "cannot read '" + text + "' (use dL for the last such day or d#n for the nth, e.g. FRI#2)");
    }

    private static String term(Field field, String term) {
        Matcher m = TERM.matcher(term);
        if (!m.matches()) {
            throw error(field, "cannot read '" + term + "'" + usage(field));
        }
        boolean star = m.group(1).equals("*");
        int from = star ? field.min : value(field, m.group(2));
        int to = star ? field.max : m.group(3) == null ? from : value(field, m.group(3));
        String stepText = m.group(4);
        if (to < from) {
            if (!field.named()) {
                throw error(field, "range '" + m.group(1) + "' goes backwards (write it as two ranges)");
            }
            to += field.max - field.min + 1; // SAT-MON, NOV-FEB: wraps around
        }
        if (stepText == null) {
            return term;
        }
        int span = field.max - field.min + 1;
        // Quartz's own limits: up to 59 for seconds and minutes, 23 for hours, 31 days, 12 months, 7 days
        int maxStep = field == YEAR ? span : field.max;
        if (!stepText.matches("\\d{1,9}") || Integer.parseInt(stepText) < 1 || Integer.parseInt(stepText) > maxStep) {
            throw error(field, "step '" + stepText + "' in '" + term + "' must be a number from 1 to " + maxStep);
        }
        int step = Integer.parseInt(stepText);
        if (m.group(3) == null && !star) {
            to = field.max; // 5/15 means 5-max/15
        }
        if (!field.named()) {
            return term;
        }
        // Quartz drops a step after a name; write out the names it stands for
        TreeSet<Integer> values = new TreeSet<>();
        for (int v = from; v <= to; v += step) {
            values.add(field.min + (v - field.min) % span);
        }
        List<String> names = new ArrayList<>();
        values.forEach(v -> names.add(field.names.get(v - field.min)));
        return String.join(",", names);
    }

    private static int value(Field field, String text) {
        if (text.chars().allMatch(Character::isDigit)) {
            long n = Long.parseLong(text);
            if (n < field.min || n > field.max) {
                throw error(
                        field,
                        "value " + text + " is out of range " + field.min + "-" + field.max
                                + (field == DAY_OF_WEEK ? " (1 is Sunday in a Quartz expression)" : ""));
            }
            return (int) n;
        }
        int index = field.names.indexOf(text);
        if (index < 0) {
            throw error(field, "unknown " + (field.named() ? "name" : "value") + " '" + text + "'" + usage(field));
        }
        return field.min + index;
    }

    private static String usage(Field field) {
        String names =
                field.named() ? " or names " + field.names.get(0) + "-" + field.names.get(field.names.size() - 1) : "";
        return " (use numbers " + field.min + "-" + field.max + names + ", *, lists a,b, ranges a-b and steps /n)";
    }

    private static IllegalArgumentException error(Field field, String what) {
        return new IllegalArgumentException("cron: " + field.name + ": " + what);
    }
}
