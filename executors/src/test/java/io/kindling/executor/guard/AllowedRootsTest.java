package io.kindling.executor.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllowedRootsTest {
    @TempDir
    Path tmp;

    @Test
    void localPathsAreComparedNormalisedAndWithLinksFollowed() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createSymbolicLink(root.resolve("link"), outside);
        AllowedRoots roots = AllowedRoots.of(List.of(root.toString()), tmp);

        assertThat(roots.allows(root.resolve("a/b.json").toString(), tmp)).isTrue();
        assertThat(roots.allows("root/new/out", tmp)).isTrue(); // relative, against the base
        assertThat(roots.allows("file:" + root.resolve("x"), tmp)).isTrue();
        assertThat(roots.allows("file://" + root.resolve("x"), tmp)).isTrue();
        assertThat(roots.allows(root.resolve("../outside/x").toString(), tmp)).isFalse();
        assertThat(roots.allows(root.resolve("link/not-yet-written").toString(), tmp))
                .isFalse();
        assertThat(roots.allows(tmp.resolve("root-sibling").toString(), tmp)).isFalse();
        assertThat(roots.allows("/etc/passwd", tmp)).isFalse();
        assertThat(roots.allows("file:///etc/passwd", tmp)).isFalse();
    }

    @Test
    void uriRootsAllowTheirPrefixOnly() {
        AllowedRoots roots = AllowedRoots.of(List.of("s3a://bucket/prefix/"), tmp);

        assertThat(roots.allows("s3a://bucket/prefix", tmp)).isTrue();
        assertThat(roots.allows("s3a://bucket/prefix/year=2026/part.parquet", tmp))
                .isTrue();
        assertThat(roots.allows("S3A://bucket/prefix/x", tmp)).isTrue();
        assertThat(roots.allows("s3a://bucket/prefix2/x", tmp)).isFalse();
        assertThat(roots.allows("s3a://bucket/prefix/../other", tmp)).isFalse();
        assertThat(roots.allows("s3a://other/prefix/x", tmp)).isFalse();
        assertThat(roots.allows("hdfs://bucket/prefix/x", tmp)).isFalse();
    }

    @Test
    void optionsAndTaskSettings() {
        GuardOptions options = GuardOptions.from(
                Map.of("allowedRoots", " /data/a , s3a://b/c ", "allowUnsafeSql", "false"), "executor 'x': ");
        assertThat(options).isEqualTo(new GuardOptions(List.of("/data/a", "s3a://b/c"), false));
        assertThatThrownBy(() -> GuardOptions.from(Map.of("allowUnsafeSql", "yes"), "executor 'x': "))
                .hasMessageContaining("executor 'x': option 'allowUnsafeSql' must be true or false");
        assertThat(SparkGuard.sessionConf(tmp, options))
                .containsEntry(SparkGuard.ENABLED_KEY, "true")
                .containsEntry(SparkGuard.RUN_SQL_ON_FILES_KEY, "false")
                .containsEntry(SparkGuard.ROOTS_KEY, tmp.toAbsolutePath() + ",/data/a,s3a://b/c");
        assertThat(SparkGuard.withExtension("com.example.Other"))
                .isEqualTo("com.example.Other," + SparkGuard.EXTENSION);
        assertThatThrownBy(() -> SparkGuard.refuseGuardSettings(
                        Map.of("spark.sql.runSQLOnFiles", "true", "spark.sql.shuffle.partitions", "2"),
                        "the task's spark_conf"))
                .isInstanceOf(SqlGuardException.class)
                .hasMessageContaining("[spark.sql.runSQLOnFiles]");
    }
}
