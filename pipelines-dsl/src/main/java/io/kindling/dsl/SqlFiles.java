package io.kindling.dsl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a task's {@code sql_file}, and checks other files a pipeline names (a library's {@code jar}): a path
 * relative to the pipeline file's folder that must stay inside that folder, both as written (after removing
 * {@code ..}) and after following symbolic links.
 */
final class SqlFiles {
    static final long MAX_BYTES = 1024 * 1024;

    /** A file read: its text, its bytes (for the content hash) and its path next to the pipeline file's. */
    record SqlFile(String text, byte[] bytes, Path path) {}

    private final Path folder;
    private final Path shownFolder;
    private final Problems problems;

    /** @param pipelineFile the pipeline file as the caller named it; sql files resolve against its folder */
    SqlFiles(Path pipelineFile, Problems problems) {
        Path absolute = pipelineFile.toAbsolutePath().normalize();
        this.folder = absolute.getParent() != null ? absolute.getParent() : absolute;
        Path parent = pipelineFile.getParent();
        this.shownFolder = parent == null ? Path.of("") : parent;
        this.problems = problems;
    }

    Optional<SqlFile> read(YamlMap.Scalar value) {
        String text = value.value();
        Optional<Path> found = inside(value, "sql_file");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path real = found.get();
            if (Files.size(real) > MAX_BYTES) {
                return fail(value, "sql_file: '" + text + "' is larger than 1 MiB");
            }
            byte[] bytes = Files.readAllBytes(real);
            String sql = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            if (sql.isBlank()) {
                return fail(value, "sql_file: '" + text + "' is empty");
            }
            return Optional.of(new SqlFile(sql, bytes, shownFolder.resolve(text).normalize()));
        } catch (CharacterCodingException e) {
            return fail(value, "sql_file: '" + text + "' is not UTF-8 text");
        } catch (IOException | SecurityException e) {
            return fail(value, "sql_file: cannot read '" + text + "': " + e);
        }
    }

    /**
     * The real path of the regular file that {@code value} names relative to the pipeline file's folder, when it
     * stays inside that folder as written and after links are followed; else a problem at {@code value} that names
     * {@code key}.
     */
    Optional<Path> inside(YamlMap.Scalar value, String key) {
        String text = value.value();
        if (text.isBlank()) {
            return fail(value, key + ": a path is required");
        }
        Path relative;
        try {
            relative = Path.of(text);
        } catch (InvalidPathException e) {
            return fail(value, key + ": invalid path '" + text + "'");
        }
        if (relative.isAbsolute()) {
            return fail(
                    value,
                    key + ": '" + text + "' is absolute; give a path relative to the folder of the pipeline file");
        }
        Path resolved = folder.resolve(relative).normalize();
        if (!resolved.startsWith(folder)) {
            return fail(value, key + ": '" + text + "' is outside the folder of the pipeline file");
        }
        if (!Files.exists(resolved)) {
            return fail(value, key + ": file not found: '" + text + "'");
        }
        try {
            Path real = resolved.toRealPath();
            if (!real.startsWith(folder.toRealPath())) {
                return fail(
                        value, key + ": '" + text + "' is a link to a file outside the folder of the pipeline file");
            }
            if (!Files.isRegularFile(real)) {
                return fail(value, key + ": '" + text + "' is not a file");
            }
            return Optional.of(real);
        } catch (IOException | SecurityException e) {
            return fail(value, key + ": cannot read '" + text + "': " + e);
        }
    }

    private <T> Optional<T> fail(YamlMap.Scalar value, String message) {
        problems.at(value.node(), message);
        return Optional.empty();
    }
}
