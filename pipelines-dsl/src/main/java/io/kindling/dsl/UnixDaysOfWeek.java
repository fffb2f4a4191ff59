package io.kindling.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Unix cron numbers days of the week 0-7 (0 and 7 are Sunday); Quartz numbers them 1-7 (1 is Sunday). A
 * numeric Unix day-of-week field is rewritten with day names, which both dialects read the same way.
 */
final class UnixDaysOfWeek {
    private static final String[] NAMES = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    private static final Pattern RANGE = Pattern.compile("(\\*|\\d+(?:-\\d+)?)(?:/(\\d+))?");
    private static final Pattern NAMED = Pattern.compile("[A-Za-z]{3}(?:(?:-[A-Za-z]{3})?(?:/\\d+)?|#\\d+)");
    private static final Pattern NTH = Pattern.compile("(\\d+)(#\\d+|L)");

    private UnixDaysOfWeek() {}

    /** The field with every numeric term written as day names; terms that use names are kept as written. */
    static String toQuartz(String field) {
        TreeSet<Integer> days = new TreeSet<>();
        List<String> kept = new ArrayList<>();
        for (String term : field.split(",", -1)) {
            if (term.isEmpty()) {
                throw error("empty list entry in '" + field + "'");
            }
            Matcher nth = NTH.matcher(term);
            if (!term.matches(".*\\d.*") || NAMED.matcher(term).matches()) {
                kept.add(term.toUpperCase(Locale.ROOT));
            } else if (nth.matches()) {
                kept.add(NAMES[day(nth.group(1))] + nth.group(2));
            } else {
                addDays(term, days);
            }
        }
        List<String> out = new ArrayList<>();
        days.forEach(d -> out.add(NAMES[d]));
        out.addAll(kept);
        return String.join(",", out);
    }

    private static void addDays(String term, TreeSet<Integer> days) {
        Matcher m = RANGE.matcher(term);
        if (!m.matches()) {
            throw error("cannot read '" + term + "' (use numbers 0-7 or names SUN-SAT)");
        }
        int from = 0;
        int to = 6;
        if (!m.group(1).equals("*")) {
            String[] bounds = m.group(1).split("-");
            from = number(bounds[0]);
            to = bounds.length == 2 ? number(bounds[1]) : (m.group(2) != null ? 7 : from);
            if (to < from) {
                throw error("range '" + m.group(1) + "' goes backwards");
            }
        }
        int step = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        if (step == 0) {
            throw error("step 0 in '" + term + "'");
        }
        for (int d = from; d <= to; d += step) {
            days.add(d % 7);
        }
    }

    private static int day(String number) {
        return number(number) % 7;
    }

    private static int number(String text) {
        int n = text.length() > 2 ? Integer.MAX_VALUE : Integer.parseInt(text);
        if (n > 7) {
            throw error("value " + text + " is out of range 0-7 (0 and 7 are Sunday)");
        }
        return n;
    }

    private static IllegalArgumentException error(String what) {
        return new IllegalArgumentException("cron: day-of-week: " + what);
    }
}
