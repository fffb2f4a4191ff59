package io.kindling.executor.history;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The executor options that keep Spark's own tools working: Spark event logs for its History Server, and where
 * people find an attempt's application.
 *
 * @param eventLogDir      {@value #EVENT_LOG_DIR}: the folder (or Hadoop file system URI) Spark writes event
 *                         logs to, as the Spark drivers see it; a plain path is resolved against the work dir and
 *                         created. Empty: no event logs (Spark's default)
 * @param historyServerUrl {@value #HISTORY_SERVER_URL}: a Spark History Server reading that folder; attempts link
 *                         to their application there
 */
public record EventLogOptions(Optional<String> eventLogDir, Optional<URI> historyServerUrl) {
    public static final String EVENT_LOG_DIR = "eventLogDir";
    public static final String HISTORY_SERVER_URL = "historyServerUrl";
    /** The option names, for executors' lists of known options. */
    public static final List<String> NAMES = List.of(EVENT_LOG_DIR, HISTORY_SERVER_URL);

    private static final Pattern URI_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:.*");

    public EventLogOptions {
        requireNonNull(eventLogDir, "eventLogDir is null");
        requireNonNull(historyServerUrl, "historyServerUrl is null");
    }

    /**
     * Reads the two options; {@code where} starts an error message (it names the executor). A local event log
     * folder is created here, since Spark refuses to start an application whose folder is missing.
     */
    public static EventLogOptions from(Map<String, String> options, Path workDir, String where) {
        Optional<String> dir = Optional.ofNullable(options.get(EVENT_LOG_DIR))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(value -> location(value, workDir, where));
        Optional<URI> history = Optional.ofNullable(options.get(HISTORY_SERVER_URL))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .map(value -> httpUrl(value, where));
        return new EventLogOptions(dir, history);
    }

    /**
     * Spark settings that turn event logs on, empty when {@link #eventLogDir} is. Spark 4 rolls them by default
     * (a folder {@code eventlog_v2_<app id>} of files of at most 128 MiB), which the local executor's one long
     * application needs: the History Server can compact old files instead of replaying one that only grows.
     */
    public Map<String, String> sparkConf() {
        Map<String, String> conf = new LinkedHashMap<>();
        eventLogDir.ifPresent(dir -> {
            conf.put("spark.eventLog.enabled", "true");
            conf.put("spark.eventLog.dir", dir);
        });
        return conf;
    }

    /** The application's page on the History Server, when one is configured. */
    public Optional<URI> applicationUrl(String sparkAppId) {
        return historyServerUrl.map(url ->
                URI.create(url + "/history/" + URLEncoder.encode(sparkAppId, StandardCharsets.UTF_8) + "/jobs/"));
    }

    private static String location(String value, Path workDir, String where) {
        if (URI_SCHEME.matcher(value).matches() && !value.startsWith("file:")) {
            return value; // hdfs:, s3a:...: Spark's Hadoop file systems create what they need
        }
        Path absolute;
        try {
            Path path = value.startsWith("file:") ? Path.of(URI.create(value)) : Path.of(value);
            absolute = (path.isAbsolute() ? path : workDir.resolve(path))
                    .toAbsolutePath()
                    .normalize();
        } catch (IllegalArgumentException e) { // a bad URI or path (InvalidPathException)
            throw new IllegalArgumentException(
                    where + "option '" + EVENT_LOG_DIR + "' is not a folder or URI: '" + value + "'");
        }
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    where + "option '" + EVENT_LOG_DIR + "': cannot create " + absolute + ": " + e.getMessage(), e);
        }
        return absolute.toUri().toString();
    }

    private static URI httpUrl(String value, String where) {
        try {
            URI uri = URI.create(value.replaceFirst("/+$", ""));
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "option '" + HISTORY_SERVER_URL
                    + "' must be an http(s) URL like http://127.0.0.1:18082, not '" + value + "'");
        }
    }
}
