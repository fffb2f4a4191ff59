package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.executor.guard.GuardOptions;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.executor.guard.SqlGuardException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kindling's SQL guard in the local executor's shared Spark application: each session here is guarded as an
 * attempt's session is, with {@code root} and {@code extra} as its allowed roots; {@code outside} is not one.
 */
class SparkGuardRuleTest {
    @TempDir
    static Path tmp;

    private static Path root;
    private static Path extra;
    private static Path outside;
    private static SparkSession guarded;

    @BeforeAll
    static void guardedSession() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        extra = Files.createDirectories(tmp.resolve("extra"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        guarded = session(false);
    }

    /** A session as an attempt gets it: roots {@code root} (its workDir) and {@code extra}. */
    private static SparkSession session(boolean allowUnsafeSql) {
        SparkSession session = SharedSpark.spark().newSession();
        SparkGuard.setForSession(
                session, SparkGuard.sessionConf(root, new GuardOptions(List.of(extra.toString()), allowUnsafeSql)));
        return session;
    }

    @Test
    void theSharedApplicationIsGuardedAndRunsNoSqlOnFiles() {
        SparkSession spark = SharedSpark.spark();
        assertThat(SparkGuard.installed(spark)).isTrue();
        assertThat(spark.conf().get("spark.sql.runSQLOnFiles")).isEqualTo("false");
        assertThat(guarded.conf().get("spark.sql.runSQLOnFiles")).isEqualTo("false");
    }

    @Test
    void javaMethodsCannotBeCalled() {
        refused("SELECT reflect('java.lang.System', 'getenv', 'HOME')", "refuses reflect(): it calls Java methods");
        refused("SELECT java_method('java.lang.System', 'getenv', 'HOME')", "refuses java_method()");
        refused("SELECT try_reflect('java.lang.System', 'exit', 0)", "refuses try_reflect()");
        refused(
                "SELECT id FROM range(3) WHERE id IN (SELECT length(reflect('java.util.UUID', 'randomUUID')))",
                "refuses reflect()");
        refused("CREATE TEMP VIEW uuids AS SELECT reflect('java.util.UUID', 'randomUUID') AS u", "refuses reflect()");
    }

    @Test
    void shellCommandsDoNotRun() {
        refused("SELECT TRANSFORM(1) USING 'id' AS (o)", "refuses TRANSFORM ... USING: it runs shell commands");
        Path marker = outside.resolve("transform-ran");

        refused("SELECT TRANSFORM(id) USING 'cat >/dev/null; touch " + marker + "' AS (o) FROM range(1)", "TRANSFORM");

        assertThat(marker).doesNotExist();
    }

    @Test
    void noFolderIsOverwrittenAsADirectory() throws Exception {
        Path victim = Files.createDirectories(root.resolve("victim"));
        Files.writeString(victim.resolve("keep-me.txt"), "kept");

        refused(
                "INSERT OVERWRITE DIRECTORY '" + victim + "' USING text SELECT 'gone'",
                "refuses INSERT OVERWRITE DIRECTORY");
        refused(
                "INSERT OVERWRITE DIRECTORY '" + outside.resolve("x") + "' USING text SELECT 1",
                "INSERT OVERWRITE DIRECTORY");

        assertThat(victim.resolve("keep-me.txt")).hasContent("kept");
        assertThat(outside.resolve("x")).doesNotExist();
    }

    @Test
    void filesOutsideTheRootsAreNotRead() {
        refused("SELECT * FROM text.`/etc/passwd`", "refuses SQL on files (text.`/etc/passwd`)");
        refused("SELECT * FROM text.`file:/etc/passwd`", "refuses SQL on files");
        refused(
                "CREATE TEMP VIEW passwd USING text OPTIONS (path '/etc/passwd')",
                "refuses the path option '/etc/passwd': it is outside the allowed roots");
        refused(
                "CREATE TEMPORARY VIEW passwd2 USING text OPTIONS (path 'file:///etc/../etc/passwd')",
                "outside the allowed roots");
        assertThat(guarded.catalog().tableExists("passwd")).isFalse();
        refused("CREATE TABLE passwd_table USING text OPTIONS (path '/etc/passwd')", "outside the allowed roots");
        assertThat(guarded.catalog().tableExists("passwd_table")).isFalse();
    }

    @Test
    void dataSourceV2FileTablesAreCheckedToo() {
        SparkSession v2 = session(false);
        v2.conf().set("spark.sql.sources.useV1SourceList", "");

        assertThatThrownBy(() -> v2.read().format("text").load("/etc/passwd").collect())
                .satisfies(e -> assertThat(Failures.message(e))
                        .startsWith("Kindling's SQL guard refuses")
                        .contains("'/etc/passwd'")
                        .contains("outside the allowed roots"));
    }

    @Test
    void tablesCannotBeLocatedOutsideTheRoots() throws Exception {
        Path location = outside.resolve("t");
        refused(
                "CREATE TABLE outside_t (id INT) USING parquet LOCATION '" + location + "'",
                "refuses the table location");
        refused(
                "CREATE TABLE dotdot_t (id INT) USING parquet LOCATION '" + root.resolve("../outside/t2") + "'",
                "outside the allowed roots");
        Files.createSymbolicLink(root.resolve("link"), outside);
        refused(
                "CREATE TABLE link_t (id INT) USING parquet LOCATION '" + root.resolve("link/t3") + "'",
                "outside the allowed roots");
        refused(
                "CREATE TABLE ctas_t USING parquet LOCATION '" + outside.resolve("t4") + "' AS SELECT 1 AS id",
                "outside the allowed roots");

        assertThat(guarded.catalog().tableExists("outside_t")).isFalse();
        try (var files = Files.list(outside)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aTableOutsideTheRootsIsNeitherReadNorWritten() {
        SparkSession unsafe = session(true);
        unsafe.sql("CREATE TABLE made_unsafe (id INT) USING parquet LOCATION '" + outside.resolve("made") + "'");
        unsafe.sql("INSERT INTO made_unsafe VALUES (1)");

        refused("INSERT INTO made_unsafe VALUES (2)", "outside the allowed roots");
        refused("INSERT OVERWRITE TABLE made_unsafe SELECT 3", "outside the allowed roots");
        refused("SELECT * FROM made_unsafe", "outside the allowed roots");

        assertThat(unsafe.sql("SELECT id FROM made_unsafe").collectAsList())
                .extracting(r -> r.getInt(0))
                .containsExactly(1);
    }

    @Test
    void codeIsNotLoadedAndNoStringIsRunAsSql() {
        String jar = outside.resolve("evil.jar").toString();
        refused("EXECUTE IMMEDIATE 'SELECT 1'", "refuses EXECUTE IMMEDIATE");
        refused("ADD JAR '" + jar + "'", "refuses ADD JAR/FILE/ARCHIVE");
        refused("ADD FILE '/etc/passwd'", "refuses ADD JAR/FILE/ARCHIVE");
        refused(
                "CREATE FUNCTION evil AS 'com.example.Evil' USING JAR '" + jar + "'",
                "refuses CREATE FUNCTION ... USING JAR");
    }

    @Test
    void theGuardsSettingsCannotBeChangedFromSql() {
        refused("SET spark.sql.runSQLOnFiles=true", "refuses SET spark.sql.runSQLOnFiles");
        refused("SET spark.kindling.guard.enabled=false", "refuses SET spark.kindling.guard.enabled");
        refused("SET spark.kindling.guard.roots=/", "refuses SET spark.kindling.guard.roots");
        refused("RESET", "refuses RESET");
        refused("RESET spark.kindling.guard.roots", "refuses RESET spark.kindling.guard.roots");
        assertThat(guarded.conf().get("spark.sql.runSQLOnFiles")).isEqualTo("false");
        // other settings stay free
        // nor from code (a class task, a Spark Connect client): Spark keeps them as static settings
        assertThatThrownBy(() -> guarded.conf().set("spark.kindling.guard.enabled", "false"))
                .hasMessageContaining("spark.kindling.guard.enabled");
        assertThat(guarded.conf().get("spark.kindling.guard.enabled")).isEqualTo("true");
        guarded.sql("SET spark.sql.shuffle.partitions=3");
        assertThat(guarded.conf().get("spark.sql.shuffle.partitions")).isEqualTo("3");
    }

    @Test
    void readsAndWritesInsideTheRootsStillWork() {
        for (Path folder : List.of(root.resolve("in_root"), extra.resolve("in_extra"))) {
            String table = folder.getFileName().toString();
            guarded.sql("CREATE TABLE " + table + " (id INT) USING parquet LOCATION '" + folder + "'");
            guarded.sql("INSERT INTO " + table + " VALUES (7)");
            assertThat(guarded.sql("SELECT id FROM " + table).collectAsList())
                    .extracting(r -> r.getInt(0))
                    .containsExactly(7);
            guarded.sql("CREATE TEMP VIEW v_" + table + " USING parquet OPTIONS (path 'file:" + folder + "')");
            assertThat(guarded.sql("SELECT count(*) FROM v_" + table).first().getLong(0))
                    .isEqualTo(1);
        }
        // a managed table lives in Spark's warehouse, which is always allowed
        guarded.sql("CREATE TABLE managed_guarded (id INT) USING parquet");
        guarded.sql("INSERT INTO managed_guarded VALUES (1), (2)");
        assertThat(guarded.sql("SELECT sum(id) FROM managed_guarded").first().getLong(0))
                .isEqualTo(3);
        // and plain queries do not notice the guard
        List<Row> rows = guarded.sql("SELECT count(*) FROM range(1000) WHERE hash(id) = 42")
                .collectAsList();
        assertThat(rows).hasSize(1);
    }

    @Test
    void allowUnsafeSqlTurnsTheGuardOff() {
        SparkSession unsafe = session(true);

        Row row =
                unsafe.sql("SELECT reflect('java.lang.String', 'valueOf', 42)").first();

        assertThat(row.getString(0)).isEqualTo("42");
    }

    private static void refused(String sql, String message) {
        assertThatThrownBy(() -> guarded.sql(sql).collect())
                .satisfies(e -> assertThat(Failures.rootCause(e)).isInstanceOf(SqlGuardException.class))
                .satisfies(e -> assertThat(Failures.message(e))
                        .startsWith("Kindling's SQL guard refuses")
                        .contains(message));
    }
}
