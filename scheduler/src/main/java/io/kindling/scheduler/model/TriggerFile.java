package io.kindling.scheduler.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One file as a files trigger saw it: a new {@code (size, modifiedAt)} of a path is a new version of the file.
 *
 * @param path       fully qualified ({@code file:/data/in/a.parquet}, {@code s3a://bucket/in/a.parquet})
 * @param modifiedAt the file system's modification time
 */
public record TriggerFile(String path, long size, Instant modifiedAt) {
    public TriggerFile {
        requireNonNull(path, "path is null");
        requireNonNull(modifiedAt, "modifiedAt is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    /** Whether {@code other} is the same version of the same path. */
    public boolean sameVersion(TriggerFile other) {
        return path.equals(other.path) && size == other.size && modifiedAt.equals(other.modifiedAt);
    }
}
