package io.kindling.scheduler.sources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * What a folder looks like from its metadata: every file's path, size, modification time and inode, hashed. Cheap
 * enough to take every second, and it changes whenever a pipeline or SQL file is saved, added or deleted.
 */
final class FolderFingerprint {
    private FolderFingerprint() {}

    /** The fingerprint of {@code folder}, or empty text when it is not a folder (not mounted yet, removed). */
    static String of(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return "";
        }
        TreeMap<String, String> files = new TreeMap<>();
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                files.put(
                        folder.relativize(file).toString(),
                        attrs.size() + "/" + attrs.lastModifiedTime() + "/" + attrs.fileKey());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                files.put(folder.relativize(file).toString(), "unreadable");
                return FileVisitResult.CONTINUE;
            }
        });
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        files.forEach((name, meta) -> digest.update((name + "\0" + meta + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(digest.digest());
    }
}
