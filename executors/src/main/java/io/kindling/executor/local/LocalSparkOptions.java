package io.kindling.executor.local;

import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code options:} of a {@code local} executor in config.yml.
 *
 * @param master             Spark master URL, {@code local[*]} unless set
 * @param stopSparkOnClose   whether {@link LocalSparkExecutor#close()} stops the SparkContext; tests that share
 *                           one SparkContext across executors set it to false
 * @param cancelGracePeriod  how long a cancelled attempt may take to stop before its result is reported as
 *                           cancelled anyway (a class task that ignores cancelled() keeps its thread meanwhile)
 * @param cacheInferredSchemas whether inputs' inferred schemas are kept while their files are unchanged
 *                           ({@link InferredSchemas})
 * @param guard              the SQL guard's {@code allowedRoots} and {@code allowUnsafeSql}
 */
record LocalSparkOptions(String master, boolean stopSparkOnClose, Duration cancelGracePeriod,
                         boolean cacheInferredSchemas, GuardOptions guard) {
    static final String MASTER = "master";
    static final String STOP_SPARK_ON_CLOSE = "stopSparkOnClose";
    static final String CANCEL_GRACE_SECONDS = "cancelGraceSeconds";
    static final String CACHE_INFERRED_SCHEMAS = "cacheInferredSchemas";
    private static final Set<String> KNOWN = Set.of(MASTER, STOP_SPARK_ON_CLOSE, CANCEL_GRACE_SECONDS,
            CACHE_INFERRED_SCHEMAS, GuardOptions.ALLOWED_ROOTS, GuardOptions.ALLOW_UNSAFE_SQL);

    /** Reads the options; unknown keys and bad values are errors naming the executor and the option. */
    static LocalSparkOptions from(ExecutorConfig config) {
        Map<String, String> options = config.options();
        String where = "executor '" + config.name() + "' (type local): ";
        for (String key : options.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException(where + "unknown option '" + key + "', known options: "
                        + new TreeSet<>(KNOWN));
            }
        }
        for (String key : config.sparkConf().keySet()) {
            if (SparkGuard.isGuardSetting(key) && !key.strip().equals(SparkGuard.EXTENSIONS_KEY)) {
                throw new IllegalArgumentException(where + "spark_conf '" + key + "' is the SQL guard's own "
                        + "setting: use the options '" + GuardOptions.ALLOWED_ROOTS + "' and '"
                        + GuardOptions.ALLOW_UNSAFE_SQL + "'");
            }
        }
        GuardOptions guard = GuardOptions.from(options, where);
        String master = options.getOrDefault(MASTER, "local[*]").strip();
        if (master.isEmpty()) {
            throw new IllegalArgumentException(where + "option '" + MASTER + "' is empty");
        }
        boolean stop = flag(options, STOP_SPARK_ON_CLOSE, where);
        boolean cacheSchemas = flag(options, CACHE_INFERRED_SCHEMAS, where);
        String grace = options.getOrDefault(CANCEL_GRACE_SECONDS, "10").strip();
        long seconds;
        try {
            seconds = Long.parseLong(grace);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 1) {
            throw new IllegalArgumentException(where + "option '" + CANCEL_GRACE_SECONDS
                    + "' must be a whole number of seconds, at least 1, not '" + grace + "'");
        }
        return new LocalSparkOptions(master, stop, Duration.ofSeconds(seconds), cacheSchemas, guard);
    }

    /** A true/false option, true unless set. */
    private static boolean flag(Map<String, String> options, String name, String where) {
        String value = options.getOrDefault(name, "true").strip();
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(where + "option '" + name + "' must be true or false, not '"
                    + value + "'");
        }
        return Boolean.parseBoolean(value);
    }
}
