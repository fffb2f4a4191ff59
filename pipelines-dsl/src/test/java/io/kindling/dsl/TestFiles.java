package io.kindling.dsl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes fixture files into a test's temporary folder. */
final class TestFiles {
    private TestFiles() {}

    static Path write(Path folder, String name, String content) {
        return write(folder, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path folder, String name, byte[] content) {
        try {
            Path file = folder.resolve(name);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a resource under {@code src/test/resources} to {@code folder/name}. */
    static Path copyResource(String resource, Path folder, String name) {
        try (var in = TestFiles.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return write(folder, name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
