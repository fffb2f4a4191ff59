package io.kindling.dsl;

import java.util.Locale;
import java.util.Optional;

/** When a task may start, given how its upstream tasks ended; the scheduler decides each rule in TriggerRules. */
public enum TriggerRule {
    ALL_SUCCESS,
    ALL_DONE,
    ALL_FAILED,
    ONE_SUCCESS,
    ONE_FAILED,
    NONE_FAILED;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TriggerRule> fromYaml(String value) {
        for (TriggerRule rule : values()) {
            if (rule.yamlName().equals(value)) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
