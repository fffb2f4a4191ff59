package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

/**
 * A task's {@code run_if: {task: check, outcome: true}}: it runs only when the condition task {@code task} (a direct
 * upstream) succeeded with this outcome; with the other outcome it ends SKIPPED.
 */
public record RunIf(String task, boolean outcome) {
    public RunIf {
        requireNonNull(task, "task is null");
    }
}
