package io.kindling.executor.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing a real folder through Hadoop's local file system, as a files trigger does. */
class HadoopFileListerTest {
    @TempDir
    Path work;

    private static String uri(Path file) {
        return "file:" + file.toAbsolutePath();
    }

    @Test
    void listsMatchingFilesWithSizeAndTimeSkippingHiddenOnesAndFolders() throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Files.writeString(in.resolve("b.csv"), "12345");
        Files.writeString(in.resolve("a.csv"), "1");
        Files.setLastModifiedTime(in.resolve("a.csv"), FileTime.from(Instant.parse("2026-12-04T10:00:00Z")));
        Files.writeString(in.resolve("c.txt"), "not matched");
        Files.writeString(in.resolve("_d.csv"), "in progress");
        Files.writeString(in.resolve(".e.csv"), "hidden");
        Files.createDirectories(in.resolve("folder.csv"));
        Files.createDirectories(in.resolve("day=1/_temporary"));
        Files.writeString(in.resolve("day=1/f.csv"), "one level down");
        Files.writeString(in.resolve("day=1/_temporary/g.csv"), "a writer's scratch");

        HadoopFileLister lister = new HadoopFileLister(work);
        List<ListedFile> top = lister.list("in", "*.csv"); // relative to the work dir

        assertThat(top)
                .containsExactly(
                        new ListedFile(uri(in.resolve("a.csv")), 1, Instant.parse("2026-12-04T10:00:00Z")),
                        new ListedFile(
                                uri(in.resolve("b.csv")),
                                5,
                                Files.getLastModifiedTime(in.resolve("b.csv"))
                                        .toInstant()
                                        .truncatedTo(ChronoUnit.MILLIS))); // as Hadoop has it
        assertThat(lister.list(uri(in), "*/*.csv"))
                .extracting(ListedFile::path)
                .containsExactly(uri(in.resolve("day=1/f.csv")));
        assertThat(lister.list(in.toAbsolutePath().toString(), "{a,c}.*"))
                .extracting(ListedFile::path)
                .containsExactly(uri(in.resolve("a.csv")), uri(in.resolve("c.txt")));
    }

    @Test
    void aFolderThatDoesNotExistYetIsEmpty() throws Exception {
        assertThat(new HadoopFileLister(work).list("not/there", "*")).isEmpty();
    }
}
