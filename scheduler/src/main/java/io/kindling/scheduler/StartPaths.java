package io.kindling.scheduler;

import io.kindling.scheduler.config.SourceConfig;
import java.util.ArrayList;
import java.util.List;

/** The one line the daemon logs at start with the absolute paths it reads and writes. */
final class StartPaths {
    private static final String SQLITE = "jdbc:sqlite:";

    private StartPaths() {}

    static String describe(KindlingConfiguration config) {
        List<String> parts = new ArrayList<>();
        parts.add("database " + database(config.getDatabase().getUrl()));
        for (SourceConfig source : config.effectiveSources()) {
            parts.add(
                    source.isGit()
                            ? "source " + source.getName() + " git " + source.getUrl() + " cloned into "
                                    + (source.getCheckoutDir() != null
                                            ? source.getCheckoutDir()
                                            : config.dataFolder()
                                                    .resolve("sources")
                                                    .resolve(source.getName()))
                            : "source " + source.getName() + " " + source.getPath());
        }
        parts.add("workDir " + config.getWorkDir());
        parts.add("logDir " + config.getLogDir());
        parts.add("admin token file " + config.getAuth().getAdminTokenFile());
        if (config.getSecrets().getFile() != null) {
            parts.add("secrets file " + config.getSecrets().getFile());
        }
        return "paths (relative ones in the config resolve against " + config.configFolder() + "): "
                + String.join("; ", parts);
    }

    /** A SQLite file as its path; another URL without its query string, which may hold a password. */
    private static String database(String url) {
        if (url.startsWith(SQLITE)) {
            return "SQLite " + url.substring(SQLITE.length());
        }
        int query = url.indexOf('?');
        return query >= 0 ? url.substring(0, query) + "?..." : url;
    }
}
