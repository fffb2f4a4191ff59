package io.kindling.executor.files;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A file as a {@link FileLister} found it.
 *
 * @param path fully qualified, with its file system's scheme ({@code file:/in/a.csv}, {@code s3a://bucket/a.csv})
 */
public record ListedFile(String path, long size, Instant modifiedAt) {
    public ListedFile {
        requireNonNull(path, "path is null");
        requireNonNull(modifiedAt, "modifiedAt is null");
    }
}
