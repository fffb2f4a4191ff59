package io.kindling.scheduler.support;

import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.db.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Real databases for tests: a SQLite file, and a PostgreSQL server (KINDLING_TEST_POSTGRES_URL, default
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres). Each PostgreSQL test gets a schema of its own.
 */
public final class TestDatabases {
    public static final String POSTGRES_ENV = "KINDLING_TEST_POSTGRES_URL";
    private static final String DEFAULT_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private TestDatabases() {}

    public static Database sqlite(Path folder) {
        DatabaseConfig config = new DatabaseConfig();
        config.setUrl("jdbc:sqlite:" + folder.resolve("kindling.db"));
        return Database.open(config);
    }

    /** A fresh schema on the test PostgreSQL server; the test is skipped, saying why, when there is none. */
    public static Database postgres() {
        DatabaseConfig config = new DatabaseConfig();
        config.setUrl(postgresUrl());
        return Database.open(config);
    }

    /**
     * Each database for tests of the data layer: its name and a supplier of a fresh, migrated database (a new SQLite
     * file under {@code folder}, or a new PostgreSQL schema). A test class returns it from its own
     * {@code databases()} source, with its {@code @TempDir} folder.
     */
    public static Stream<Arguments> databases(Path folder) {
        return Stream.of(
                Arguments.of("sqlite", (Supplier<Database>) () -> sqlite(folder.resolve("db-" + System.nanoTime()))),
                Arguments.of("postgresql", (Supplier<Database>) TestDatabases::postgres));
    }

    /**
     * For a daemon run as its own process on each database: the database's name and its JDBC URL for a work
     * folder ({@code @MethodSource("io.kindling.scheduler.support.TestDatabases#daemonDatabases")}).
     */
    public static Stream<Arguments> daemonDatabases() {
        return Stream.of(
                Arguments.of("sqlite", (Function<Path, String>) dir -> "jdbc:sqlite:" + dir.resolve("kindling.db")),
                Arguments.of("postgresql", (Function<Path, String>) dir -> postgresUrl()));
    }

    /**
     * The JDBC URL of a fresh, empty schema on the test PostgreSQL server; the test is skipped, saying why, when
     * there is none.
     */
    public static String postgresUrl() {
        try {
            return newPostgresSchema();
        } catch (SQLException e) {
            Assumptions.abort(unavailable(e));
            throw new AssertionError("unreachable");
        }
    }

    /** The JDBC URL of a fresh schema on the test PostgreSQL server. */
    public static String newPostgresSchema() throws SQLException {
        String url = System.getenv().getOrDefault(POSTGRES_ENV, DEFAULT_POSTGRES);
        String schema = "kindling_test_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** Why the PostgreSQL tests are skipped, and how to run them. */
    public static String unavailable(SQLException e) {
        String url = System.getenv().getOrDefault(POSTGRES_ENV, DEFAULT_POSTGRES);
        return "No PostgreSQL server at " + url + " (" + e.getMessage() + "). Start one, or set " + POSTGRES_ENV
                + " to a JDBC URL of one, to run the PostgreSQL tests.";
    }
}
