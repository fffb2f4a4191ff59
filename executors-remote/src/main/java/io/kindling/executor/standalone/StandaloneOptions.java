package io.kindling.executor.standalone;

import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.history.EventLogOptions;
import io.kindling.executor.python.PythonScript;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code options:} of a {@code spark-standalone} executor in config.yml; see the module's README.
 *
 * @param master         {@code spark://host:port}, where drivers' applications get their executors
 * @param restUrl        the master's REST submission server (create, status, kill)
 * @param masterWebUi    the master's web UI: its JSON lists workers, whose web UIs serve driver logs; empty
 *                       when not configured (then driver logs are not collected)
 * @param runnerJar      the runner jar as the workers can read it; empty: the bundled one, written to the work
 *                       dir (right when workers share this machine's file system, as the local test cluster does)
 * @param jars           extra jars for class tasks (comma-separated in config.yml), as the workers can read them
 * @param guard          the SQL guard of the runner's session: {@code allowedRoots}, {@code allowUnsafeSql}
 * @param eventLogs      {@code eventLogDir} (as the drivers see it) and {@code historyServerUrl}
 * @param python         the interpreter of Python tasks, whose drivers run on this machine (a command on the PATH,
 *                       or a path resolved against the work dir)
 */
record StandaloneOptions(
        String master,
        URI restUrl,
        Optional<URI> masterWebUi,
        Optional<String> runnerJar,
        List<String> jars,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration pollInterval,
        Duration cancelGrace,
        GuardOptions guard,
        EventLogOptions eventLogs,
        String python) {
    static final String MASTER = "master";
    static final String REST_URL = "restUrl";
    static final String MASTER_WEB_UI = "masterWebUi";
    static final String RUNNER_JAR = "runnerJar";
    static final String JARS = "jars";
    static final String CONNECT_TIMEOUT = "connectTimeoutSeconds";
    static final String REQUEST_TIMEOUT = "requestTimeoutSeconds";
    static final String POLL_INTERVAL = "pollIntervalMillis";
    static final String CANCEL_GRACE = "cancelGraceSeconds";
    static final String PYTHON = "python";
    private static final Set<String> KNOWN = Set.of(
            MASTER,
            REST_URL,
            MASTER_WEB_UI,
            RUNNER_JAR,
            JARS,
            CONNECT_TIMEOUT,
            REQUEST_TIMEOUT,
            POLL_INTERVAL,
            CANCEL_GRACE,
            PYTHON,
            GuardOptions.ALLOWED_ROOTS,
            GuardOptions.ALLOW_UNSAFE_SQL,
            EventLogOptions.EVENT_LOG_DIR,
            EventLogOptions.HISTORY_SERVER_URL);

    /** Reads the options; unknown keys and bad values are errors naming the executor and the option. */
    static StandaloneOptions from(ExecutorConfig config) {
        Map<String, String> options = config.options();
        String where = "executor '" + config.name() + "' (type " + StandaloneExecutorFactory.TYPE + "): ";
        for (String key : options.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException(
                        where + "unknown option '" + key + "', known options: " + new TreeSet<>(KNOWN));
            }
        }
        String master = options.getOrDefault(MASTER, "").strip();
        if (!master.matches("spark://[^/\\s:]+(:\\d+)?")) {
            throw new IllegalArgumentException(where + "option '" + MASTER + "' must be a master URL like "
                    + "spark://host:7077, not '" + master + "'");
        }
        String host = master.substring("spark://".length()).replaceFirst(":\\d+$", "");
        URI rest = uri(where, REST_URL, options.getOrDefault(REST_URL, "http://" + host + ":6066"));
        Optional<URI> webUi = Optional.ofNullable(options.get(MASTER_WEB_UI))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(s -> uri(where, MASTER_WEB_UI, s));
        Optional<String> runnerJar =
                Optional.ofNullable(options.get(RUNNER_JAR)).map(String::strip).filter(s -> !s.isEmpty());
        List<String> jars = Arrays.stream(options.getOrDefault(JARS, "").split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        return new StandaloneOptions(
                master,
                rest,
                webUi,
                runnerJar,
                jars,
                Duration.ofSeconds(positive(where, CONNECT_TIMEOUT, options.getOrDefault(CONNECT_TIMEOUT, "10"))),
                Duration.ofSeconds(positive(where, REQUEST_TIMEOUT, options.getOrDefault(REQUEST_TIMEOUT, "30"))),
                Duration.ofMillis(positive(where, POLL_INTERVAL, options.getOrDefault(POLL_INTERVAL, "1000"))),
                Duration.ofSeconds(positive(where, CANCEL_GRACE, options.getOrDefault(CANCEL_GRACE, "30"))),
                GuardOptions.from(options, where),
                EventLogOptions.from(options, config.workDir(), where),
                PythonScript.interpreter(options.get(PYTHON), config.workDir()));
    }

    private static URI uri(String where, String option, String value) {
        try {
            URI uri = URI.create(value.strip().replaceFirst("/+$", ""));
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "option '" + option + "' must be an http(s) URL like "
                    + "http://host:6066, not '" + value + "'");
        }
    }

    private static long positive(String where, String option, String value) {
        long parsed;
        try {
            parsed = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        if (parsed < 1) {
            throw new IllegalArgumentException(
                    where + "option '" + option + "' must be a whole number, at least 1, " + "not '" + value + "'");
        }
        return parsed;
    }
}
