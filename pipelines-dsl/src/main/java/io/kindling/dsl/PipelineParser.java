package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads pipeline files into validated {@link Pipeline}s. Bad content and unreadable files never throw: they
 * become {@link Problem}s, every one found in a file, each with the line and column to fix.
 */
public final class PipelineParser {
    static final int MAX_FILE_BYTES = 1024 * 1024;

    private final ParserOptions options;

    /** What files are checked against; cross-file checks ({@code run_pipeline} depth) read it too. */
    public ParserOptions options() {
        return options;
    }

    public PipelineParser(ParserOptions options) {
        this.options = requireNonNull(options, "options is null");
    }

    /** Reads and parses one file. I/O problems are reported at 1:1. */
    public ParseResult parse(Path file) {
        return read(file).result();
    }

    /** Parses {@code text} as if read from {@code file}; sql_file paths resolve against the file's folder. */
    public ParseResult parse(Path file, String text) {
        requireNonNull(text, "text is null");
        return parse(file, text.getBytes(StandardCharsets.UTF_8), text).result();
    }

    /**
     * Parses one file, or every {@code *.yml} and {@code *.yaml} file under a folder (recursively, sorted by
     * path, skipping hidden files and folders). A pipeline id that a file shares with a file before it is a
     * problem of the later file.
     */
    public List<ParseResult> parseAll(Path fileOrFolder) {
        if (!Files.isDirectory(fileOrFolder)) {
            return List.of(parse(fileOrFolder));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(fileOrFolder)) {
            files = walk.filter(p -> isPipelineFile(p) && !isHidden(fileOrFolder.relativize(p)))
                    .sorted()
                    .toList();
        } catch (IOException | RuntimeException e) {
            Problem problem = new Problem(fileOrFolder, 1, 1, "cannot list the folder: " + describe(e));
            return List.of(new ParseResult(fileOrFolder, Optional.empty(), List.of(problem)));
        }
        List<ParseResult> results = new ArrayList<>();
        Map<String, Path> owners = new HashMap<>();
        for (Path file : files) {
            Parsed parsed = read(file);
            ParseResult result = parsed.result();
            if (parsed.id().isPresent()) {
                YamlMap.Scalar id = parsed.id().get();
                Path owner = owners.putIfAbsent(id.value(), file);
                if (owner != null) {
                    List<Problem> problems = new ArrayList<>(result.problems());
                    problems.add(new Problem(
                            file,
                            id.node().getStartMark().getLine() + 1,
                            id.node().getStartMark().getColumn() + 1,
                            "pipeline id '" + id.value() + "' is already defined in " + owner));
                    problems.sort(null);
                    result = new ParseResult(file, Optional.empty(), problems);
                }
            }
            results.add(result);
        }
        return results;
    }

    /**
     * Whether a file or one of its folders below the root is hidden (name starting with a dot): editors'
     * temporary files, {@code .git}, and the {@code ..data} copies a Kubernetes ConfigMap volume holds.
     */
    private static boolean isHidden(Path relative) {
        for (Path name : relative) {
            if (name.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPipelineFile(Path path) {
        String name = path.getFileName().toString();
        return (name.endsWith(".yml") || name.endsWith(".yaml")) && Files.isRegularFile(path);
    }

    /** One file's result and its pipeline id, when that much could be read (for duplicate ids). */
    private record Parsed(ParseResult result, Optional<YamlMap.Scalar> id) {}

    private Parsed read(Path file) {
        requireNonNull(file, "file is null");
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                return failed(file, 1, 1, "cannot read the file: it is a folder");
            }
            if (Files.size(file) > MAX_FILE_BYTES) {
                return tooLarge(file);
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            return failed(file, 1, 1, "cannot read the file: " + describe(e));
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult coded = decoder.decode(in, out, true);
        if (coded.isError()) {
            int[] at = TextPositions.ofByte(bytes, in.position());
            return failed(
                    file,
                    at[0],
                    at[1],
                    String.format(
                            "YAML syntax error: the file is not UTF-8 text (byte 0x%02X)",
                            bytes[in.position()] & 0xFF));
        }
        decoder.flush(out);
        return parse(file, bytes, out.flip().toString());
    }

    private Parsed parse(Path file, byte[] bytes, String text) {
        requireNonNull(file, "file is null");
        if (bytes.length > MAX_FILE_BYTES) {
            return tooLarge(file);
        }
        Problems problems = new Problems(file);
        Optional<Node> root = SafeYaml.compose(text, problems);
        PipelineReader.Read read = new PipelineReader.Read(Optional.empty(), Optional.empty());
        try {
            if (root.isPresent()) {
                read = new PipelineReader(options, problems).read(root.get(), bytes, text);
            }
        } catch (RuntimeException e) {
            // A bug here must not stop the daemon from loading the other files: report it like bad content.
            problems.at(1, 1, "internal error in the pipeline parser, please report it: " + e);
        }
        ParseResult result = problems.isEmpty()
                ? new ParseResult(file, read.pipeline(), List.of())
                : new ParseResult(file, Optional.empty(), problems.sorted());
        return new Parsed(result, read.id());
    }

    private static Parsed tooLarge(Path file) {
        return failed(
                file,
                1,
                1,
                "the file is larger than 1 MiB; pipeline files must be at most " + MAX_FILE_BYTES + " bytes");
    }

    private static Parsed failed(Path file, int line, int column, String message) {
        return new Parsed(
                new ParseResult(file, Optional.empty(), List.of(new Problem(file, line, column, message))),
                Optional.empty());
    }

    private static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
