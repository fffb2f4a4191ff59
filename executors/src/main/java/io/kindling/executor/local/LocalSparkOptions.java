package io.kindling.executor.local;

import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.executor.history.EventLogOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

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
 * @param mode               where Spark runs: a supervised child JVM (the default) or this one
 * @param heap               the child JVM's {@code -Xmx} value
 * @param jvmFlags           more options for the child JVM, after Spark's own
 * @param warmup             whether the child JVM starts and warms Spark as soon as the daemon is ready
 *                           ({@code eager}, the default) or with the first attempt ({@code lazy}); in-process
 *                           Spark always starts with the first attempt
 * @param metrics            whether each attempt's Spark metrics are collected (a listener on the SparkContext);
 *                           true unless set, false leaves that listener out altogether
 * @param jars               jars every attempt on this executor may use, as if its task listed them in
 *                           {@code libraries:} (option {@code jars}: comma-separated, relative to the work dir); they
 *                           must exist when the executor starts
 * @param eventLogs          options {@code eventLogDir} and {@code historyServerUrl}: Spark event logs of the warm
 *                           session (one long application, its log rolled by Spark) and where they are shown
 * @param python             option {@code python}: the interpreter of Python tasks (a venv's {@code bin/python});
 *                           unset, Python tasks use {@code python3} from the PATH and the Spark Connect server starts
 *                           with the first of them; set, it starts with Spark's warm-up
 */
record LocalSparkOptions(
        String master,
        boolean stopSparkOnClose,
        Duration cancelGracePeriod,
        boolean cacheInferredSchemas,
        GuardOptions guard,
        Mode mode,
        String heap,
        List<String> jvmFlags,
        Warmup warmup,
        boolean metrics,
        List<Path> jars,
        EventLogOptions eventLogs,
        Optional<String> python) {
    /** The {@code mode} option. */
    enum Mode {
        PROCESS("process"),
        IN_PROCESS("in-process");

        final String yamlName;

        Mode(String yamlName) {
            this.yamlName = yamlName;
        }
    }

    /** The {@code warmup} option. */
    enum Warmup {
        EAGER,
        LAZY;

        final String yamlName = name().toLowerCase(java.util.Locale.ROOT);
    }

    static final String MODE = "mode";
    static final String WARMUP = "warmup";
    static final String HEAP = "heap";
    static final String JVM_FLAGS = "jvmFlags";
    /** As {@code spark.driver.memory}'s default. */
    static final String DEFAULT_HEAP = "1g";

    private static final long MIN_HEAP_BYTES = 512L << 20;
    private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");
    static final String MASTER = "master";
    static final String STOP_SPARK_ON_CLOSE = "stopSparkOnClose";
    static final String CANCEL_GRACE_SECONDS = "cancelGraceSeconds";
    static final String CACHE_INFERRED_SCHEMAS = "cacheInferredSchemas";
    static final String METRICS = "metrics";
    static final String JARS = "jars";
    static final String PYTHON = "python";
    private static final Set<String> KNOWN = Set.of(
            JARS,
            PYTHON,
            MASTER,
            STOP_SPARK_ON_CLOSE,
            CANCEL_GRACE_SECONDS,
            CACHE_INFERRED_SCHEMAS,
            GuardOptions.ALLOWED_ROOTS,
            GuardOptions.ALLOW_UNSAFE_SQL,
            MODE,
            HEAP,
            JVM_FLAGS,
            WARMUP,
            METRICS,
            EventLogOptions.EVENT_LOG_DIR,
            EventLogOptions.HISTORY_SERVER_URL);
    /** The options only the daemon's side of {@code mode: process} reads. */
    static final Set<String> PROCESS_ONLY = Set.of(MODE, HEAP, JVM_FLAGS, WARMUP);

    /** Reads the options; unknown keys and bad values are errors naming the executor and the option. */
    static LocalSparkOptions from(ExecutorConfig config) {
        Map<String, String> options = config.options();
        String where = "executor '" + config.name() + "' (type local): ";
        for (String key : options.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException(
                        where + "unknown option '" + key + "', known options: " + new TreeSet<>(KNOWN));
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
        boolean metrics = flag(options, METRICS, where);
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
        String modeName = options.getOrDefault(MODE, Mode.PROCESS.yamlName).strip();
        Mode mode = Arrays.stream(Mode.values())
                .filter(m -> m.yamlName.equals(modeName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(where + "option '" + MODE + "' must be '"
                        + Mode.PROCESS.yamlName + "' or '" + Mode.IN_PROCESS.yamlName + "', not '" + modeName + "'"));
        String heap = options.getOrDefault(HEAP, DEFAULT_HEAP).strip();
        if (!HEAP_SIZE.matcher(heap).matches()) {
            throw new IllegalArgumentException(
                    where + "option '" + HEAP + "' must be a size such as 2g or 1536m, " + "not '" + heap + "'");
        }
        if (bytes(heap) < MIN_HEAP_BYTES) { // Spark refuses to start below 450 MiB of usable heap
            throw new IllegalArgumentException(where + "option '" + HEAP + "' must be at least 512m, which Spark "
                    + "needs to start, not '" + heap + "'");
        }
        List<String> flags = Arrays.stream(
                        options.getOrDefault(JVM_FLAGS, "").strip().split("\\s+"))
                .filter(f -> !f.isEmpty())
                .toList();
        for (String flag : flags) {
            if (!flag.startsWith("-") || flag.equals("-cp") || flag.equals("-classpath") || flag.equals("-jar")) {
                throw new IllegalArgumentException(where + "option '" + JVM_FLAGS + "' takes JVM options "
                        + "(-XX:..., -D...), not '" + flag + "' (the class path is the daemon's)");
            }
        }
        String warmupName = options.getOrDefault(WARMUP, Warmup.EAGER.yamlName).strip();
        Warmup warmup = Arrays.stream(Warmup.values())
                .filter(w -> w.yamlName.equals(warmupName))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        where + "option '" + WARMUP + "' must be 'eager' or " + "'lazy', not '" + warmupName + "'"));
        return new LocalSparkOptions(
                master,
                stop,
                Duration.ofSeconds(seconds),
                cacheSchemas,
                guard,
                mode,
                heap,
                flags,
                warmup,
                metrics,
                config.jarFiles(JARS, where),
                EventLogOptions.from(options, config.workDir(), where),
                python(options, config.workDir(), where));
    }

    LocalSparkOptions {
        jvmFlags = List.copyOf(jvmFlags);
        jars = List.copyOf(jars);
    }

    /**
     * The {@code python} option: a command name looked up on the PATH ({@code python3}) or a path, relative ones
     * against workDir; the daemon starts without it being there.
     */
    private static Optional<String> python(Map<String, String> options, Path workDir, String where) {
        String value = options.get(PYTHON);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(where + "option '" + PYTHON + "' is empty: give the Python of Python "
                    + "tasks, like /opt/venv/bin/python (bin/kindling-python-env makes one)");
        }
        String python = value.strip();
        return Optional.of(
                python.contains("/")
                        ? workDir.resolve(python).toAbsolutePath().normalize().toString()
                        : python);
    }

    /** {@link #heap} in bytes. */
    long heapBytes() {
        return bytes(heap);
    }

    private static long bytes(String size) {
        char unit = Character.toLowerCase(size.charAt(size.length() - 1));
        long shift = switch (unit) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = Character.isDigit(unit) ? size : size.substring(0, size.length() - 1);
        try {
            return Math.multiplyExact(Long.parseLong(digits), 1L << shift);
        } catch (ArithmeticException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A true/false option, true unless set. */
    private static boolean flag(Map<String, String> options, String name, String where) {
        String value = options.getOrDefault(name, "true").strip();
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(
                    where + "option '" + name + "' must be true or false, not '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }
}
