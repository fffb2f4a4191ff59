package io.kindling.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon keeps one copy of SQLite's native library in its work folder instead of extracting it per start. */
class SqliteLibraryTest {
    private static final String PATH = "org.sqlite.lib.path";
    private static final String NAME = "org.sqlite.lib.name";

    @TempDir
    Path dir;

    private String path;
    private String name;

    @BeforeEach
    void clear() {
        path = System.clearProperty(PATH);
        name = System.clearProperty(NAME);
    }

    @AfterEach
    void restore() {
        restore(PATH, path);
        restore(NAME, name);
    }

    @Test
    void theLibraryIsCopiedOnceAndTheDriverIsPointedAtTheCopy() throws Exception {
        Path folder = dir.resolve(".kindling/native");

        SqliteLibrary.useCopyIn(folder);

        List<Path> copies = list(folder);
        assertThat(copies).hasSize(1);
        Path copy = copies.get(0);
        assertThat(copy.getFileName().toString()).matches("sqlite-[0-9.]+-[0-9]+-libsqlitejdbc\\.(so|dylib|dll)");
        assertThat(copy.getFileName().toString()).contains("-" + Files.size(copy) + "-");
        assertThat(System.getProperty(PATH)).isEqualTo(folder.toAbsolutePath().toString());
        assertThat(System.getProperty(NAME)).isEqualTo(copy.getFileName().toString());

        long written = Files.getLastModifiedTime(copy).toMillis();
        Files.setLastModifiedTime(copy, java.nio.file.attribute.FileTime.fromMillis(written - 60_000));
        System.clearProperty(PATH);
        SqliteLibrary.useCopyIn(folder);
        assertThat(Files.getLastModifiedTime(copy).toMillis())
                .as("kept, not copied again")
                .isEqualTo(written - 60_000);

        Files.write(copy, new byte[] {1, 2, 3});
        System.clearProperty(PATH);
        SqliteLibrary.useCopyIn(folder);
        assertThat(Files.size(copy)).as("a truncated copy is replaced").isGreaterThan(100_000);
        assertThat(list(folder)).containsExactly(copy);
    }

    @Test
    void aPathTheUserSetWins() {
        System.setProperty(PATH, "/opt/sqlite");

        SqliteLibrary.useCopyIn(dir);

        assertThat(System.getProperty(PATH)).isEqualTo("/opt/sqlite");
        assertThat(System.getProperty(NAME)).isNull();
        assertThat(dir).isEmptyDirectory();
    }

    private static List<Path> list(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.toList();
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
