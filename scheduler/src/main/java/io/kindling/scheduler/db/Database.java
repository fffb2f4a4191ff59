package io.kindling.scheduler.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dropwizard.lifecycle.Managed;
import io.kindling.scheduler.config.DatabaseConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.jdbi.v3.core.Jdbi;

/** The run history's connection pool, migrated by Flyway on open. SQLite by default, PostgreSQL in production. */
public final class Database implements Managed {
    private static final String SQLITE_PREFIX = "jdbc:sqlite:";

    /**
     * The newest migration this build has (migrations/src/main/resources/db/migration; SchemaUpgradeTest checks it
     * against Flyway's own scan). A history already at it and with no failed migration skips Flyway at start.
     */
    static final int SCHEMA_VERSION = 21;

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(HikariDataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    public static Database open(DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.getUrl());
        hikari.setPoolName("kindling-db");
        hikari.setMaximumPoolSize(config.getMaxConnections());
        if (config.getUser() != null && !config.getUser().isEmpty()) {
            hikari.setUsername(config.getUser());
        }
        if (config.getPassword() != null && !config.getPassword().isEmpty()) {
            hikari.setPassword(config.getPassword());
        }
        if (config.getUrl().startsWith(SQLITE_PREFIX)) {
            createParentFolder(config.getUrl().substring(SQLITE_PREFIX.length()));
            // WAL lets readers (the API) run beside the writer (the engine); NORMAL sync is crash-safe in WAL
            // (a power cut may lose the last commits, a process crash loses nothing). IMMEDIATE transactions take
            // the write lock up front, so concurrent writers wait for busy_timeout instead of failing.
            hikari.addDataSourceProperty("journal_mode", "WAL");
            hikari.addDataSourceProperty("synchronous", "NORMAL");
            hikari.addDataSourceProperty("busy_timeout", "30000");
            hikari.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        }
        boolean current = probe(config);
        HikariDataSource dataSource = new HikariDataSource(hikari);
        if (current) {
            return new Database(dataSource);
        }
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load();
            refuseNewerSchema(flyway, config.getUrl());
            flyway.migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(dataSource);
    }

    /**
     * Flyway ignores migrations it does not know by default ("future" ones): a history upgraded by a newer Kindling
     * would be written by code that does not know its tables. Refused instead, before anything is written.
     */
    private static void refuseNewerSchema(Flyway flyway, String url) {
        MigrationInfo[] all = flyway.info().all();
        Optional<MigrationVersion> newest = Arrays.stream(all)
                .filter(m ->
                        m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                .map(MigrationInfo::getVersion)
                .max(Comparator.naturalOrder());
        if (newest.isPresent()) {
            MigrationVersion known = Arrays.stream(all)
                    .filter(m -> m.getState() != MigrationState.FUTURE_SUCCESS
                            && m.getState() != MigrationState.FUTURE_FAILED)
                    .map(MigrationInfo::getVersion)
                    .filter(Objects::nonNull)
                    .max(Comparator.naturalOrder())
                    .orElse(MigrationVersion.EMPTY);
            int query = url.indexOf('?');
            throw new IllegalStateException("the run history at " + (query >= 0 ? url.substring(0, query) : url)
                    + " has schema version " + newest.get() + ", newer than this Kindling knows (" + known
                    + "): a newer Kindling upgraded it; run that version, or restore a backup from before the upgrade");
        }
    }

    /**
     * One connection before the pool is made: a database that cannot be reached stops the start with one line
     * naming it (the pool would log its failure with a stack trace). True when its schema is already this build's,
     * so that a start need not pay for Flyway's scan, info and validation (about 100 ms of a 2.5 s start).
     */
    private static boolean probe(DatabaseConfig config) {
        java.util.Properties credentials = new java.util.Properties();
        if (config.getUser() != null && !config.getUser().isEmpty()) {
            credentials.setProperty("user", config.getUser());
        }
        if (config.getPassword() != null && !config.getPassword().isEmpty()) {
            credentials.setProperty("password", config.getPassword());
        }
        Connection connection;
        try {
            connection = DriverManager.getConnection(config.getUrl(), credentials);
        } catch (SQLException e) {
            String url = config.getUrl();
            int query = url.indexOf('?');
            throw new IllegalStateException(
                    "cannot connect to the database " + (query >= 0 ? url.substring(0, query) : url) + ": "
                            + e.getMessage(),
                    e);
        }
        try (connection) {
            return atSchemaVersion(connection);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Every migration the history records succeeded, and the newest is {@link #SCHEMA_VERSION}. */
    static boolean atSchemaVersion(Connection connection) {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version, success FROM flyway_schema_history")) {
            int newest = 0;
            while (rows.next()) {
                String version = rows.getString(1);
                if (!rows.getBoolean(2)) {
                    return false;
                }
                if (version != null) {
                    newest = Math.max(newest, Integer.parseInt(version));
                }
            }
            return newest == SCHEMA_VERSION;
        } catch (SQLException | NumberFormatException e) {
            return false; // no history yet, or one Flyway should judge
        }
    }

    private static void createParentFolder(String file) {
        int query = file.indexOf('?');
        String path = query >= 0 ? file.substring(0, query) : file;
        if (path.isEmpty() || path.equals(":memory:") || path.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of the SQLite file " + path, e);
        }
        // SQLite would open the file read-only without a word, and fail later on its first write (or its WAL)
        Path history = Path.of(path).toAbsolutePath();
        if (!Files.isWritable(parent) || (Files.exists(history) && !Files.isWritable(history))) {
            throw new IllegalStateException(
                    "the SQLite file " + history + " is read-only (the file or its folder cannot"
                            + " be written: a read-only disk or mount, or permissions): Kindling writes its run history there;"
                            + " make it writable, or set database.url to a file that is");
        }
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /** Only SQLite is single-daemon: several daemons need a server database with row locks. */
    public boolean sqlite() {
        return dataSource.getJdbcUrl().startsWith(SQLITE_PREFIX);
    }

    @Override
    public void stop() {
        dataSource.close();
    }
}
