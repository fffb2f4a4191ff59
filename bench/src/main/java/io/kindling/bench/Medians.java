package io.kindling.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of several full runs as one set: each figure's median, with the spread of the runs in its note, and its
 * target judged on the median. A figure that a run could not measure is reported so, not left out of the median.
 */
final class Medians {
    private Medians() {}

    static List<Metric> of(List<List<Metric>> runs) {
        Map<String, List<Metric>> byName = new LinkedHashMap<>();
        for (List<Metric> run : runs) {
            for (Metric m : run) {
                byName.computeIfAbsent(m.system() + "\u0000" + m.name(), k -> new ArrayList<>())
                        .add(m);
            }
        }
        List<Metric> out = new ArrayList<>();
        byName.forEach((name, seen) -> out.add(median(seen, runs.size())));
        return out;
    }

    private static Metric median(List<Metric> seen, int runs) {
        Metric first = seen.get(0);
        List<Double> values =
                seen.stream().map(Metric::value).filter(v -> v != null).toList();
        if (values.size() < runs) {
            Metric failed =
                    seen.stream().filter(m -> m.value() == null).findFirst().orElse(first);
            String why = failed.note() == null ? "" : failed.note();
            return new Metric(
                    first.name(),
                    null,
                    first.unit(),
                    first.target(),
                    null,
                    (why.startsWith("skipped")
                            ? why
                            : "measured in " + values.size() + " of " + runs + " runs: " + why),
                    first.system());
        }
        Stats s = new Stats(values);
        double median = s.median();
        String spread = "median of " + runs + " runs ("
                + String.join(", ", values.stream().map(Metric::number).toList()) + "); ";
        return new Metric(
                first.name(),
                median,
                first.unit(),
                first.target(),
                first.target() == null ? null : meets(first.target(), median),
                spread + first.note(),
                first.system());
    }

    /** Whether {@code value} meets a target written as Metric writes them ("< 5", "<= 2", ">= 500"). */
    static boolean meets(String target, double value) {
        String[] parts = target.trim().split("\\s+", 2);
        double limit = Double.parseDouble(parts[1]);
        return switch (parts[0]) {
            case "<" -> value < limit;
            case "<=" -> value <= limit;
            case ">=" -> value >= limit;
            case ">" -> value > limit;
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
    }
}
