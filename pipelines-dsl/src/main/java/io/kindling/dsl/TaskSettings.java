package io.kindling.dsl;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The task settings that {@code defaults:} may give and a task may override. Read from either mapping; a
 * task's settings are {@link #over} the pipeline's defaults, then the built-in defaults apply.
 */
record TaskSettings(
        Optional<String> executor,
        OptionalInt retries,
        Optional<Duration> retryDelay,
        Optional<RetryPolicy.Backoff> backoff,
        Optional<Duration> maxRetryDelay,
        Optional<Duration> timeout,
        Map<String, String> sparkConf,
        Optional<Node> retryDelayAt,
        Optional<Node> maxRetryDelayAt,
        Optional<String> pool,
        OptionalInt priority) {

    static final Set<String> KEYS = Set.of(
            "executor",
            "retries",
            "retry_delay",
            "retry_backoff",
            "max_retry_delay",
            "timeout",
            "spark_conf",
            "pool",
            "priority");
    static final TaskSettings NONE = new TaskSettings(
            Optional.empty(),
            OptionalInt.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            OptionalInt.empty());

    /**
     * Reads the settings keys of {@code map}, reporting bad values and unknown executor names; spark_conf
     * values are rendered per attempt, so their templates are checked too.
     */
    static TaskSettings read(YamlMap map, ParserOptions options, TemplateCheck templates, Problems problems) {
        Optional<YamlMap.Scalar> executor = map.scalar("executor");
        executor.ifPresent(e -> checkExecutor(e, options, problems));
        Optional<YamlMap.Scalar> pool = map.scalar("pool");
        pool.ifPresent(p -> checkPool(p, options, problems));
        Optional<RetryPolicy.Backoff> backoff = map.scalar("retry_backoff").flatMap(s -> backoff(s, problems));
        Optional<Duration> timeout = map.duration("timeout");
        if (timeout.isPresent() && timeout.get().isZero()) {
            problems.at(map.value("timeout").orElseThrow(), "timeout: must be longer than 0s");
            timeout = Optional.empty();
        }
        Map<String, String> sparkConf = new LinkedHashMap<>();
        map.scalarMap("spark_conf")
                .ifPresent(conf -> conf.forEach((k, v) -> {
                    templates.check(v.value(), v.node());
                    sparkConf.put(k, v.value());
                }));
        return new TaskSettings(
                executor.map(YamlMap.Scalar::value),
                map.integer("retries", 0),
                map.duration("retry_delay"),
                backoff,
                map.duration("max_retry_delay"),
                timeout,
                sparkConf,
                map.value("retry_delay"),
                map.value("max_retry_delay"),
                pool.map(YamlMap.Scalar::value),
                map.integer("priority", -999_999_999));
    }

    /** These settings where given, else {@code defaults}'; spark_conf entries are merged key by key. */
    TaskSettings over(TaskSettings defaults) {
        Map<String, String> conf = new LinkedHashMap<>(defaults.sparkConf);
        conf.putAll(sparkConf);
        return new TaskSettings(
                executor.or(defaults::executor),
                retries.isPresent() ? retries : defaults.retries,
                retryDelay.or(defaults::retryDelay),
                backoff.or(defaults::backoff),
                maxRetryDelay.or(defaults::maxRetryDelay),
                timeout.or(defaults::timeout),
                conf,
                retryDelayAt.or(defaults::retryDelayAt),
                maxRetryDelayAt.or(defaults::maxRetryDelayAt),
                pool.or(defaults::pool),
                priority.isPresent() ? priority : defaults.priority);
    }

    /**
     * A retry_delay longer than the max_retry_delay that caps every wait (given, or the built-in 10m) contradicts it:
     * reported at {@code own}'s retry_delay, else its max_retry_delay, when {@code own} gives either (so a conflict
     * in {@code defaults:} is reported once, there, not at every task).
     */
    void checkRetryDelay(TaskSettings own, Problems problems) {
        RetryPolicy policy = retryPolicy();
        Optional<Node> at = own.retryDelayAt.or(() -> own.maxRetryDelayAt);
        if (at.isEmpty() || policy.delay().compareTo(policy.maxDelay()) <= 0) {
            return;
        }
        problems.at(
                at.get(),
                "retry_delay " + Durations.format(policy.delay()) + " is longer than max_retry_delay "
                        + Durations.format(policy.maxDelay()) + (maxRetryDelayAt.isEmpty() ? " (the default)" : "")
                        + ", which caps every wait: lower retry_delay or raise max_retry_delay");
    }

    RetryPolicy retryPolicy() {
        RetryPolicy d = RetryPolicy.NONE;
        return new RetryPolicy(
                retries.orElse(d.retries()),
                retryDelay.orElse(d.delay()),
                backoff.orElse(d.backoff()),
                maxRetryDelay.orElse(d.maxDelay()));
    }

    private static Optional<RetryPolicy.Backoff> backoff(YamlMap.Scalar value, Problems problems) {
        switch (value.value()) {
            case "fixed":
                return Optional.of(RetryPolicy.Backoff.FIXED);
            case "exponential":
                return Optional.of(RetryPolicy.Backoff.EXPONENTIAL);
            default:
                problems.at(value.node(), "retry_backoff: expected fixed or exponential, got '" + value.value() + "'");
                return Optional.empty();
        }
    }

    private static void checkPool(YamlMap.Scalar name, ParserOptions options, Problems problems) {
        if (name.value().isBlank()) {
            problems.at(name.node(), "pool: a name is required");
            return;
        }
        options.pools()
                .filter(known -> !known.contains(name.value()))
                .ifPresent(known -> problems.at(
                        name.node(),
                        "unknown pool '" + name.value() + "' ("
                                + (known.isEmpty()
                                        ? "config.yml defines no pools:"
                                        : "known: " + String.join(", ", new TreeSet<>(known)))
                                + ")" + Suggestions.hint(name.value(), known)));
    }

    private static void checkExecutor(YamlMap.Scalar name, ParserOptions options, Problems problems) {
        if (name.value().isBlank()) {
            problems.at(name.node(), "executor: a name is required");
            return;
        }
        options.executors()
                .filter(known -> !known.contains(name.value()))
                .ifPresent(known -> problems.at(
                        name.node(),
                        "unknown executor '" + name.value() + "' (known: " + String.join(", ", new TreeSet<>(known))
                                + ")" + Suggestions.hint(name.value(), known)));
    }
}
