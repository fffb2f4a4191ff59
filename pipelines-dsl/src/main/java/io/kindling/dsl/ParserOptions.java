package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.Set;

/**
 * What the parser checks names against.
 *
 * @param executors       executor names from config.yml; empty means any name is accepted
 * @param webhooks        webhook names from config.yml; empty means any name is accepted
 * @param defaultExecutor the executor of a task that names none (and whose pipeline defaults name none)
 * @param streamExecutors the executors that run {@code stream:} tasks (those of type local); empty means any
 * @param maxRunPipelineDepth how many levels of {@code run_pipeline} runs a pipeline may start below itself
 * @param maxIterations   how many iterations one {@code for_each} may run
 * @param pools           pool names from config.yml; empty means any name is accepted
 */
public record ParserOptions(
        Optional<Set<String>> executors,
        Optional<Set<String>> webhooks,
        String defaultExecutor,
        Optional<Set<String>> streamExecutors,
        int maxRunPipelineDepth,
        Optional<Set<String>> pools,
        int maxIterations) {
    /** The default of {@link #maxRunPipelineDepth}. */
    public static final int DEFAULT_RUN_PIPELINE_DEPTH = 5;
    /** The default of {@link #maxIterations}. */
    public static final int DEFAULT_MAX_ITERATIONS = 1000;
    /** The most {@link #maxIterations} may be: iteration ids {@code <id>[<index>]} must fit the run history. */
    public static final int MOST_ITERATIONS = 1_000_000;

    public ParserOptions {
        executors = executors.map(Set::copyOf);
        webhooks = webhooks.map(Set::copyOf);
        requireNonNull(defaultExecutor, "defaultExecutor is null");
        streamExecutors = streamExecutors.map(Set::copyOf);
        if (maxRunPipelineDepth < 1) {
            throw new IllegalArgumentException("maxRunPipelineDepth must be at least 1, got " + maxRunPipelineDepth);
        }
        pools = pools.map(Set::copyOf);
        if (maxIterations < 1 || maxIterations > MOST_ITERATIONS) {
            throw new IllegalArgumentException(
                    "maxIterations must be between 1 and " + MOST_ITERATIONS + ", got " + maxIterations);
        }
    }

    /** Options with the default for-each iteration limit. */
    public ParserOptions(
            Optional<Set<String>> executors,
            Optional<Set<String>> webhooks,
            String defaultExecutor,
            Optional<Set<String>> streamExecutors,
            int maxRunPipelineDepth,
            Optional<Set<String>> pools) {
        this(executors, webhooks, defaultExecutor, streamExecutors, maxRunPipelineDepth, pools, DEFAULT_MAX_ITERATIONS);
    }

    /** Options that accept any pool name. */
    public ParserOptions(
            Optional<Set<String>> executors,
            Optional<Set<String>> webhooks,
            String defaultExecutor,
            Optional<Set<String>> streamExecutors,
            int maxRunPipelineDepth) {
        this(executors, webhooks, defaultExecutor, streamExecutors, maxRunPipelineDepth, Optional.empty());
    }

    /** Options with the default {@code run_pipeline} depth. */
    public ParserOptions(
            Optional<Set<String>> executors,
            Optional<Set<String>> webhooks,
            String defaultExecutor,
            Optional<Set<String>> streamExecutors) {
        this(executors, webhooks, defaultExecutor, streamExecutors, DEFAULT_RUN_PIPELINE_DEPTH);
    }

    /** Options that take any executor for a {@code stream:} task. */
    public ParserOptions(Optional<Set<String>> executors, Optional<Set<String>> webhooks, String defaultExecutor) {
        this(executors, webhooks, defaultExecutor, Optional.empty());
    }

    /** Accepts any executor and webhook name; tasks default to the executor {@code local}. */
    public static ParserOptions lenient() {
        return new ParserOptions(Optional.empty(), Optional.empty(), "local");
    }
}
