package io.kindling.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One figure of results.json.
 *
 * @param value  null when the figure was skipped (then {@code note} says why)
 * @param target the target as "&lt; 5" or "&gt;= 500" in {@code unit}; null when the issue sets none
 * @param meets  whether {@code value} meets {@code target}; null without a target or a value
 * @param note   how it was measured, or why it was skipped
 * @param system the system measured: "kindling" for Kindling's own figures, or a peer's name ({@code --peers})
 */
@JsonPropertyOrder({"name", "system", "value", "unit", "target", "meets", "note"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Metric(String name, Double value, String unit, String target, Boolean meets, String note, String system) {

    public static final String KINDLING = "kindling";

    /** A figure of Kindling itself. */
    public Metric(String name, Double value, String unit, String target, Boolean meets, String note) {
        this(name, value, unit, target, meets, note, KINDLING);
    }

    /** This figure, as measured on {@code system}. */
    public Metric on(String system) {
        return new Metric(name, value, unit, target, meets, note, system);
    }

    /** A figure with no target. */
    public static Metric of(String name, double value, String unit, String note) {
        return new Metric(name, value, unit, null, null, note);
    }

    /** A figure that must stay below {@code limit}. */
    public static Metric below(String name, double value, String unit, double limit, String note) {
        return new Metric(name, value, unit, "< " + number(limit), value < limit, note);
    }

    /** A figure that may reach {@code limit} but not pass it. */
    public static Metric atMost(String name, double value, String unit, double limit, String note) {
        return new Metric(name, value, unit, "<= " + number(limit), value <= limit, note);
    }

    /** A figure that must reach {@code floor}. */
    public static Metric atLeast(String name, double value, String unit, double floor, String note) {
        return new Metric(name, value, unit, ">= " + number(floor), value >= floor, note);
    }

    public static Metric skipped(String name, String unit, String target, String why) {
        return new Metric(name, null, unit, target, null, "skipped: " + why);
    }

    public static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return d >= 100 ? String.format("%.0f", d) : d >= 10 ? String.format("%.1f", d) : String.format("%.2f", d);
    }
}
