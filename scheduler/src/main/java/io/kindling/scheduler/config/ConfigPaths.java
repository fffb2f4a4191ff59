package io.kindling.scheduler.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import io.dropwizard.logging.common.AppenderFactory;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.FileAppenderFactory;
import io.dropwizard.logging.common.LoggingFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Relative paths of config.yml mean what they say: they resolve against the folder of the config file, not the
 * working directory the daemon happens to be started in. These helpers rewrite one section each in place; values
 * that are absolute, empty or URIs stay as they are.
 */
public final class ConfigPaths {
    private static final String SQLITE = "jdbc:sqlite:";

    private ConfigPaths() {}

    /** {@code value} resolved against {@code base} when it is a relative path; anything else as given. */
    public static String path(Path base, String value) {
        if (value == null || value.isBlank()) {
            return value;
        }
        try {
            Path given = Path.of(value);
            return given.isAbsolute() ? value : base.resolve(given).normalize().toString();
        } catch (InvalidPathException e) {
            return value; // not a path this file system knows: validation or its user will say so
        }
    }

    /**
     * A SQLite URL's relative file resolved against {@code base} ({@code jdbc:sqlite:data/kindling.db} becomes
     * {@code jdbc:sqlite:/etc/kindling/data/kindling.db}, a query string kept); other URLs, in-memory databases
     * and {@code file:} URIs as given.
     */
    public static String sqliteUrl(Path base, String url) {
        if (url == null || !url.startsWith(SQLITE)) {
            return url;
        }
        String rest = url.substring(SQLITE.length());
        int query = rest.indexOf('?');
        String file = query >= 0 ? rest.substring(0, query) : rest;
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
            return url;
        }
        return SQLITE + path(base, file) + (query >= 0 ? rest.substring(query) : "");
    }

    public static void resolve(DatabaseConfig database, Path base) {
        database.setUrl(sqliteUrl(base, database.getUrl()));
    }

    /**
     * A folder source's path and a git source's checkout folder; a git URL that is a local path (no scheme, no
     * scp-like {@code host:path}) too.
     */
    public static void resolve(SourceConfig source, Path base) {
        source.setPath(path(base, source.getPath()));
        source.setCheckoutDir(path(base, source.getCheckoutDir()));
        String url = source.getUrl();
        if (source.isGit() && url != null && !url.contains(":")) {
            source.setUrl(path(base, url));
        }
    }

    public static void resolve(AuthConfig auth, Path base) {
        auth.setAdminTokenFile(path(base, auth.getAdminTokenFile()));
    }

    public static void resolve(SecretsConfig secrets, Path base) {
        secrets.setFile(path(base, secrets.getFile()));
    }

    /** Dropwizard's file appenders, in {@code logging:} (also per logger) and in the server's request log. */
    public static void resolve(LoggingFactory logging, Path base) {
        if (logging instanceof DefaultLoggingFactory defaults) {
            defaults.getAppenders().forEach(appender -> resolveAppender(appender, base));
            defaults.getLoggers().values().forEach(logger -> {
                for (JsonNode appender : logger.path("appenders")) {
                    if (appender instanceof ObjectNode fields) {
                        for (String key : List.of("currentLogFilename", "archivedLogFilenamePattern")) {
                            if (fields.path(key).isTextual()) {
                                fields.put(key, path(base, fields.path(key).asText()));
                            }
                        }
                    }
                }
            });
        }
    }

    /** The request log's file appenders and the HTTPS connectors' key and trust stores. */
    public static void resolve(ServerFactory server, Path base) {
        if (server instanceof AbstractServerFactory common
                && common.getRequestLogFactory() instanceof LogbackAccessRequestLogFactory requests) {
            requests.getAppenders().forEach(appender -> resolveAppender(appender, base));
        }
        List<ConnectorFactory> connectors = new ArrayList<>();
        if (server instanceof DefaultServerFactory defaults) {
            connectors.addAll(defaults.getApplicationConnectors());
            connectors.addAll(defaults.getAdminConnectors());
        } else if (server instanceof SimpleServerFactory simple) {
            connectors.add(simple.getConnector());
        }
        for (ConnectorFactory connector : connectors) {
            if (connector instanceof HttpsConnectorFactory https) {
                https.setKeyStorePath(path(base, https.getKeyStorePath()));
                https.setTrustStorePath(path(base, https.getTrustStorePath()));
            }
        }
    }

    private static void resolveAppender(AppenderFactory<?> appender, Path base) {
        if (appender instanceof FileAppenderFactory<?> file) {
            file.setCurrentLogFilename(path(base, file.getCurrentLogFilename()));
            if (file.getArchivedLogFilenamePattern() != null) {
                file.setArchivedLogFilenamePattern(path(base, file.getArchivedLogFilenamePattern()));
            }
        }
    }
}
