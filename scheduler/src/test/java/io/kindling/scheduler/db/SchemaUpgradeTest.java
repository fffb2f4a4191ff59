package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.scheduler.config.DatabaseConfig;
import io.kindling.scheduler.model.AttemptRecord;
import io.kindling.scheduler.model.RunRecord;
import io.kindling.scheduler.support.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run history written by the first release (commit 9559c07: its daemon ran the examples, 5 runs of which 3
 * failed, then stopped; the file is {@code fixtures/history-v1-9559c07.db}) migrates to today's schema with every
 * run, task run and attempt intact, on SQLite and on PostgreSQL; a history from a newer Kindling is refused.
 */
class SchemaUpgradeTest {
    private static final String FIXTURE = "/fixtures/history-v1-9559c07.db";
    private static final List<String> V1_TABLES = List.of("pipeline_versions", "runs", "task_runs", "task_attempts");

    @TempDir
    Path dir;

    @Test
    void aFirstReleaseSqliteHistoryMigratesWithEveryRunIntact() throws Exception {
        Path file = fixture();
        String url = "jdbc:sqlite:" + file;
        List<String> before = rows(url);

        Database database = open(url);
        try {
            assertThat(rows(url)).isEqualTo(before);
            assertReadable(database, before);
            assertThat(latestApplied(url)).isEqualTo(latestKnown());
        } finally {
            database.stop();
        }
    }

    @Test
    void aFirstReleasePostgresHistoryMigratesWithEveryRunIntact() throws Exception {
        String sqlite = "jdbc:sqlite:" + fixture();
        String url = TestDatabases.postgresUrl();
        // the first release's schema on PostgreSQL, holding the fixture's rows as its daemon would have written them
        Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .target("1")
                .load()
                .migrate();
        copyRows(sqlite, url);
        List<String> before = rows(url);
        assertThat(before).isEqualTo(rows(sqlite));

        Database database = open(url);
        try {
            assertThat(rows(url)).isEqualTo(before);
            assertReadable(database, before);
            assertThat(latestApplied(url)).isEqualTo(latestKnown());
        } finally {
            database.stop();
        }
    }

    @Test
    void aHistoryUpgradedByANewerKindlingIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path file = fixture();
        String url = "jdbc:sqlite:" + file;
        open(url).stop();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
                    + "checksum, installed_by, installed_on, execution_time, success) VALUES (999, '999', "
                    + "'from the future', 'SQL', 'V999__from_the_future.sql', 0, 'test', CURRENT_TIMESTAMP, 1, 1)");
        }
        List<String> before = rows(url);

        assertThatThrownBy(() -> open(url))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the run history at " + url + " has schema version 999, newer than this Kindling knows ("
                        + latestKnown() + "): a newer Kindling upgraded it; run that version, or restore a backup "
                        + "from before the upgrade");
        assertThat(rows(url)).isEqualTo(before);
    }

    @Test
    void aStartSkipsFlywayOnlyForAHistoryAtThisBuildsSchemaWithNoFailedMigration() throws Exception {
        assertThat(String.valueOf(Database.SCHEMA_VERSION))
                .as("Database.SCHEMA_VERSION names the newest migration: raise it with each new one")
                .isEqualTo(latestKnown());
        String url = "jdbc:sqlite:" + dir.resolve("current.db");
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(Database.atSchemaVersion(c)).as("no history yet").isFalse();
        }
        open(url).stop();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            assertThat(Database.atSchemaVersion(c)).isTrue();
            s.execute("UPDATE flyway_schema_history SET success = 0 WHERE version = '" + latestKnown() + "'");
            assertThat(Database.atSchemaVersion(c))
                    .as("a failed migration is Flyway's to judge")
                    .isFalse();
            s.execute("UPDATE flyway_schema_history SET success = 1");
            s.execute("DELETE FROM flyway_schema_history WHERE version = '" + latestKnown() + "'");
            assertThat(Database.atSchemaVersion(c)).as("an older schema").isFalse();
        }
    }

    private Path fixture() throws IOException {
        Path file = dir.resolve("kindling-" + System.nanoTime() + ".db");
        try (InputStream in = SchemaUpgradeTest.class.getResourceAsStream(FIXTURE)) {
            Files.copy(in, file);
        }
        return file;
    }

    private static Database open(String url) {
        DatabaseConfig config = new DatabaseConfig();
        config.setUrl(url);
        return Database.open(config);
    }

    /** Every row of the first release's tables, its columns in order, as text: what must survive the upgrade. */
    private static List<String> rows(String url) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url)) {
            for (String table : V1_TABLES) {
                List<String> columns = columns(table);
                try (Statement s = c.createStatement();
                        ResultSet r = s.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + table)) {
                    while (r.next()) {
                        StringBuilder row = new StringBuilder(table);
                        for (String column : columns) {
                            row.append(" | ").append(r.getString(column));
                        }
                        rows.add(row.toString());
                    }
                }
            }
        }
        Collections.sort(rows);
        return rows;
    }

    /** The first release's columns of a table, from its V1 definition, in their order there. */
    private static List<String> columns(String table) {
        return switch (table) {
            case "pipeline_versions" ->
                List.of("pipeline_id", "content_hash", "git_commit", "file_path", "source", "loaded_at");
            case "runs" ->
                List.of(
                        "run_id",
                        "pipeline_id",
                        "content_hash",
                        "git_commit",
                        "trigger_type",
                        "logical_time",
                        "params",
                        "state",
                        "created_at",
                        "started_at",
                        "ended_at",
                        "error");
            case "task_runs" ->
                List.of("run_id", "task_id", "state", "attempts", "started_at", "ended_at", "next_attempt_at", "error");
            case "task_attempts" ->
                List.of(
                        "attempt_id",
                        "run_id",
                        "task_id",
                        "attempt_number",
                        "executor",
                        "state",
                        "spark_app_id",
                        "queued_at",
                        "started_at",
                        "ended_at",
                        "error",
                        "log_path");
            default -> throw new IllegalArgumentException(table);
        };
    }

    private static void copyRows(String from, String to) throws SQLException {
        try (Connection source = DriverManager.getConnection(from);
                Connection target = DriverManager.getConnection(to)) {
            for (String table : V1_TABLES) {
                List<String> columns = columns(table);
                String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                        + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
                try (Statement s = source.createStatement();
                        ResultSet r = s.executeQuery("SELECT " + String.join(", ", columns) + " FROM " + table);
                        PreparedStatement p = target.prepareStatement(insert)) {
                    while (r.next()) {
                        for (int i = 1; i <= columns.size(); i++) {
                            p.setObject(i, r.getObject(i));
                        }
                        p.executeUpdate();
                    }
                }
            }
        }
    }

    /** Today's code reads the old runs: states, errors, their tasks and attempts with their logs' paths. */
    private static void assertReadable(Database database, List<String> rows) {
        JdbiRunQueries queries = new JdbiRunQueries(database.jdbi());
        List<RunRecord> runs = queries.listRuns(Optional.empty(), Optional.empty(), Optional.empty(), 100);
        assertThat(runs).hasSize(5);
        assertThat(runs).extracting(r -> r.state().name()).containsOnly("SUCCEEDED", "FAILED");
        assertThat(runs.stream().filter(r -> r.state().name().equals("FAILED")))
                .hasSize(3)
                .allSatisfy(r -> assertThat(r.error()).contains("failed tasks: [adults FAILED]"));
        int attempts = 0;
        for (RunRecord run : runs) {
            assertThat(queries.taskRuns(run.runId())).isNotEmpty();
            List<AttemptRecord> own = queries.attempts(run.runId());
            assertThat(own).isNotEmpty().allSatisfy(a -> assertThat(a.logPath()).isNotBlank());
            attempts += own.size();
        }
        assertThat(attempts)
                .isEqualTo(rows.stream()
                        .filter(r -> r.startsWith("task_attempts "))
                        .count());
    }

    private static String latestApplied(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT version FROM flyway_schema_history WHERE success = "
                        + (url.startsWith("jdbc:sqlite:") ? "1" : "true") + " AND version IS NOT NULL")) {
            List<String> versions = new ArrayList<>();
            while (r.next()) {
                versions.add(r.getString(1));
            }
            return versions.stream()
                    .max(java.util.Comparator.comparingInt(Integer::parseInt))
                    .orElseThrow();
        }
    }

    /** The newest migration this build has. */
    private static String latestKnown() {
        MigrationInfo[] all = Flyway.configure()
                .locations("classpath:db/migration")
                .dataSource("jdbc:sqlite::memory:", null, null)
                .load()
                .info()
                .pending();
        return all[all.length - 1].getVersion().getVersion();
    }
}
