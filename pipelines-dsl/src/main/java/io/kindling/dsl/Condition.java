package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * What a {@code condition:} task decides: one comparison, or {@code all:} / {@code any:} of several (nested as
 * deep as written). It is evaluated by the scheduler itself once rendered for a run; its outcome is true or false.
 */
public sealed interface Condition {
    /** The comparison operators; {@code <, <=, >, >=} compare numbers only. */
    Set<String> OPS = Set.of("==", "!=", "<", "<=", ">", ">=");

    /** The same condition with every template rendered for one run. */
    Condition render(TemplateContext context);

    /**
     * The outcome of a rendered condition.
     *
     * @throws IllegalArgumentException when an ordering operator meets a side that is not a number
     */
    boolean evaluate();

    /**
     * {@code left op right}. {@code ==} and {@code !=} compare as numbers when both sides are numbers ({@code 1.0 ==
     * 1}), as text otherwise; the ordering operators need numbers.
     */
    record Comparison(String left, String op, String right) implements Condition {
        public Comparison {
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
            if (!OPS.contains(op)) {
                throw new IllegalArgumentException("unknown operator '" + op + "'");
            }
        }

        @Override
        public Comparison render(TemplateContext context) {
            return new Comparison(Templates.render(left, context), op, Templates.render(right, context));
        }

        @Override
        public boolean evaluate() {
            BigDecimal l = number(left);
            BigDecimal r = number(right);
            if (op.equals("==") || op.equals("!=")) {
                boolean equal = l != null && r != null ? l.compareTo(r) == 0 : left.equals(right);
                return op.equals("==") == equal;
            }
            if (l == null || r == null) {
                throw new IllegalArgumentException("condition " + shown(left) + " " + op + " " + shown(right) + ": "
                        + op + " compares numbers, and " + shown(l == null ? left : right) + " is not one");
            }
            int c = l.compareTo(r);
            return switch (op) {
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }

        private static BigDecimal number(String text) {
            try {
                return new BigDecimal(text.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private static String shown(String text) {
            return "'" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'";
        }
    }

    /** True when every one of {@code conditions} is (checked in order, stopping at the first false). */
    record All(List<Condition> conditions) implements Condition {
        public All {
            conditions = List.copyOf(conditions);
        }

        @Override
        public All render(TemplateContext context) {
            return new All(conditions.stream().map(c -> c.render(context)).toList());
        }

        @Override
        public boolean evaluate() {
            return conditions.stream().allMatch(Condition::evaluate);
        }
    }

    /** True when at least one of {@code conditions} is (checked in order, stopping at the first true). */
    record Any(List<Condition> conditions) implements Condition {
        public Any {
            conditions = List.copyOf(conditions);
        }

        @Override
        public Any render(TemplateContext context) {
            return new Any(conditions.stream().map(c -> c.render(context)).toList());
        }

        @Override
        public boolean evaluate() {
            return conditions.stream().anyMatch(Condition::evaluate);
        }
    }
}
