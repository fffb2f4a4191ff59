package io.kindling.executor.connect;

import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.python.PythonScript;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code options:} of a {@code spark-connect} executor in config.yml.
 *
 * @param url            {@code sc://host:port}, with Spark Connect's optional {@code /;key=value} parameters
 * @param connectTimeout how long the health check waits for the server to accept a connection
 * @param cancelGrace    how long a cancelled attempt may take to stop before it is reported cancelled anyway
 * @param python         the interpreter of Python tasks, which run on this machine with the server's Spark (a command on
 *                       the PATH, or a path; relative ones against the executor's workDir)
 * @param jars           jars uploaded to every attempt's session, before the task's {@code libraries:} (option
 *                       {@code jars}: comma-separated, relative to the work dir, checked at start)
 */
record ConnectOptions(
        String url,
        String host,
        int port,
        Duration connectTimeout,
        Duration cancelGrace,
        String python,
        List<Path> jars) {
    static final String URL = "url";
    static final String CONNECT_TIMEOUT = "connectTimeoutSeconds";
    static final String CANCEL_GRACE = "cancelGraceSeconds";
    static final String PYTHON = "python";
    static final String JARS = "jars";
    private static final Set<String> KNOWN = Set.of(URL, CONNECT_TIMEOUT, CANCEL_GRACE, PYTHON, JARS);
    private static final Pattern SAFE_PARAMETER = Pattern.compile("[A-Za-z0-9._@-]+");
    private static final Pattern SC_URL = Pattern.compile("sc://([^/:;\\s]+)(?::(\\d+))?(/.*)?");

    static ConnectOptions from(ExecutorConfig config) {
        Map<String, String> options = config.options();
        String where = "executor '" + config.name() + "' (type " + ConnectExecutorFactory.TYPE + "): ";
        for (String key : options.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException(
                        where + "unknown option '" + key + "', known options: " + new TreeSet<>(KNOWN));
            }
        }
        String url = options.getOrDefault(URL, "").strip();
        Matcher matcher = SC_URL.matcher(url);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(where + "option '" + URL + "' must be a Spark Connect URL like "
                    + "sc://host:15002, not '" + url + "'");
        }
        int port = matcher.group(2) == null ? 15002 : Integer.parseInt(matcher.group(2));
        return new ConnectOptions(
                url,
                matcher.group(1),
                port,
                Duration.ofSeconds(seconds(where, CONNECT_TIMEOUT, options.getOrDefault(CONNECT_TIMEOUT, "10"))),
                Duration.ofSeconds(seconds(where, CANCEL_GRACE, options.getOrDefault(CANCEL_GRACE, "30"))),
                PythonScript.interpreter(options.get(PYTHON), config.workDir()),
                config.jarFiles(JARS, where));
    }

    ConnectOptions {
        jars = List.copyOf(jars);
    }

    /**
     * The URL of an existing session on the server, for a client that follows its operations again: the
     * configured URL with Spark Connect's {@code session_id} (and {@code user_id}) parameters added.
     */
    String sessionUrl(String sessionId, String userId) {
        StringBuilder sessionUrl = new StringBuilder(url);
        sessionUrl.append(url.contains("/;") ? "" : url.endsWith("/") ? ";" : "/;");
        if (!sessionUrl.toString().endsWith(";")) {
            sessionUrl.append(';');
        }
        sessionUrl.append("session_id=").append(sessionId);
        if (SAFE_PARAMETER.matcher(userId).matches()) { // else the client's default user, which recorded it
            sessionUrl.append(";user_id=").append(userId);
        }
        return sessionUrl.toString();
    }

    /**
     * Whether the server accepts a TCP connection within the connect timeout: the client itself would retry an
     * unreachable server for minutes before giving up, so attempts and health checks ask this first.
     *
     * @return why it cannot be reached, or empty
     */
    Optional<String> unreachable() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("Spark Connect server " + url + " cannot be reached (" + e.getMessage() + ")");
        }
    }

    private static long seconds(String where, String option, String value) {
        long parsed;
        try {
            parsed = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            parsed = -1;
        }
        if (parsed < 1) {
            throw new IllegalArgumentException(where + "option '" + option + "' must be a whole number of seconds, "
                    + "at least 1, not '" + value + "'");
        }
        return parsed;
    }
}
