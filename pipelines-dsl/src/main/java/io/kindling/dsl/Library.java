package io.kindling.dsl;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A jar a task's code needs besides Spark and Kindling: an entry of {@code libraries:}. */
public sealed interface Library {

    /**
     * A jar in the pipeline's folder.
     *
     * @param path   its real path, checked inside the pipeline file's folder when the file was read
     * @param sha256 the SHA-256 (hex) of its bytes then; part of the pipeline's content hash
     */
    record Jar(Path path, String sha256) implements Library {
        public Jar {
            requireNonNull(path, "path is null");
            requireNonNull(sha256, "sha256 is null");
        }
    }

    /** A Maven artifact, resolved with its runtime dependencies from the repositories config.yml names. */
    record Maven(String groupId, String artifactId, String version) implements Library {
        private static final Pattern COORDINATES =
                Pattern.compile("([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+):([A-Za-z0-9_.+-]+)");

        public Maven {
            requireNonNull(groupId, "groupId is null");
            requireNonNull(artifactId, "artifactId is null");
            requireNonNull(version, "version is null");
        }

        /** {@code group:artifact:version}, or empty when {@code text} is not that. */
        public static Optional<Maven> parse(String text) {
            Matcher m = COORDINATES.matcher(text.trim());
            return m.matches() ? Optional.of(new Maven(m.group(1), m.group(2), m.group(3))) : Optional.empty();
        }

        public String coordinates() {
            return groupId + ":" + artifactId + ":" + version;
        }
    }
}
