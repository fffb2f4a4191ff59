package io.kindling.dsl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a {@code libraries:} list (the pipeline's, or a task's): entries {@code {jar: path}} (relative to the
 * pipeline file, under sql_file's rules) and {@code {maven: group:artifact:version}} (or Databricks' {@code {maven:
 * {coordinates: ...}}}).
 */
final class LibraryReader {
    private static final Set<String> ENTRY_KEYS = Set.of("jar", "maven");
    private static final Set<String> MAVEN_KEYS = Set.of("coordinates");

    private final SqlFiles files;
    private final Problems problems;

    LibraryReader(SqlFiles files, Problems problems) {
        this.files = files;
        this.problems = problems;
    }

    /** The libraries of {@code map}'s {@code libraries:} key (none when it has none); problems reported. */
    List<Library> read(YamlMap map, String where) {
        Optional<Node> node = map.value("libraries");
        if (node.isEmpty()) {
            return List.of();
        }
        if (!(node.get() instanceof SequenceNode list)) {
            problems.at(
                    node.get(),
                    "libraries: expected a list of {jar: path} or {maven: group:artifact:version}, got "
                            + YamlMap.describe(node.get()));
            return List.of();
        }
        List<Library> libraries = new ArrayList<>();
        for (Node entry : list.getValue()) {
            YamlMap.of(entry, "libraries", where + " libraries", ENTRY_KEYS, problems)
                    .flatMap(this::entry)
                    .ifPresent(libraries::add);
        }
        return List.copyOf(libraries);
    }

    private Optional<Library> entry(YamlMap entry) {
        long named = ENTRY_KEYS.stream().filter(entry::has).count();
        if (named != 1) {
            if (named > 1
                    || ((MappingNode) entry.node()).getValue().isEmpty()) { // an unknown key alone is reported as such
                problems.at(entry.node(), "libraries: each entry names exactly one of jar or maven");
            }
            return Optional.empty();
        }
        if (entry.has("jar")) {
            return entry.requiredScalar("jar").flatMap(this::jar);
        }
        Node maven = entry.value("maven").orElseThrow();
        Optional<YamlMap.Scalar> coordinates = maven instanceof ScalarNode
                ? entry.requiredScalar("maven")
                : entry.map("maven", "libraries maven", MAVEN_KEYS).flatMap(m -> m.requiredScalar("coordinates"));
        return coordinates.flatMap(this::maven);
    }

    private Optional<Library> jar(YamlMap.Scalar value) {
        Optional<Path> path = files.inside(value, "jar");
        if (path.isEmpty()) {
            return Optional.empty();
        }
        if (!path.get().getFileName().toString().endsWith(".jar")) {
            problems.at(value.node(), "jar: '" + value.value() + "' is not a .jar file");
            return Optional.empty();
        }
        try {
            return Optional.of(new Library.Jar(path.get(), sha256(path.get())));
        } catch (IOException e) {
            problems.at(value.node(), "jar: cannot read '" + value.value() + "': " + e);
            return Optional.empty();
        }
    }

    private Optional<Library> maven(YamlMap.Scalar value) {
        Optional<Library.Maven> maven = Library.Maven.parse(value.value());
        if (maven.isEmpty()) {
            problems.at(
                    value.node(), "maven: expected coordinates group:artifact:version, got '" + value.value() + "'");
        }
        return maven.map(Library.class::cast);
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
