package io.kindling.dsl;

import java.nio.file.FileSystems;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/** Reads {@code trigger.files}: {@code path} (required), {@code pattern}, {@code settle} and {@code min_interval}. */
final class FilesTriggerReader {
    static final Set<String> KEYS = Set.of("path", "pattern", "settle", "min_interval");

    private final Problems problems;

    FilesTriggerReader(Problems problems) {
        this.problems = problems;
    }

    Optional<FilesTrigger> read(YamlMap trigger) {
        return trigger.map("files", "trigger files", KEYS).flatMap(this::files);
    }

    private Optional<FilesTrigger> files(YamlMap files) {
        Optional<YamlMap.Scalar> path = files.requiredScalar("path");
        path.filter(p -> p.value().isBlank())
                .ifPresent(p -> problems.at(p.node(), "files.path: expected a folder (a path or a URI), got nothing"));
        // a watched folder is one folder for every run: no run exists yet to render it for
        path.filter(p -> p.value().contains("{{"))
                .ifPresent(p ->
                        problems.at(p.node(), "files.path: templates are not rendered here; write the folder itself"));
        Optional<YamlMap.Scalar> pattern = files.scalar("pattern");
        pattern.ifPresent(this::checkGlob);
        Optional<Duration> settle = files.duration("settle");
        Optional<Duration> minInterval = files.duration("min_interval");
        files.scalar("min_interval")
                .filter(v -> minInterval.filter(Duration::isZero).isPresent())
                .ifPresent(v -> problems.at(
                        v.node(),
                        "min_interval: must be longer than 0s (it also sets how often the folder is listed)"));
        if (path.isEmpty() || path.get().value().isBlank() || path.get().value().contains("{{")) {
            return Optional.empty();
        }
        return Optional.of(new FilesTrigger(
                path.get().value(),
                pattern.map(YamlMap.Scalar::value).filter(p -> !p.isBlank()).orElse(FilesTrigger.DEFAULT_PATTERN),
                settle.orElse(FilesTrigger.DEFAULT_SETTLE),
                minInterval.filter(d -> !d.isZero()).orElse(FilesTrigger.DEFAULT_MIN_INTERVAL)));
    }

    /** The same glob syntax as Hadoop's ({@code * ? [abc] {a,b}}), relative to {@code path}. */
    private void checkGlob(YamlMap.Scalar pattern) {
        String glob = pattern.value();
        String why = null;
        if (glob.isBlank()) {
            why = "expected a glob such as \"*.parquet\", got nothing";
        } else if (glob.startsWith("/") || glob.contains("://")) {
            why = "'" + glob + "' is a glob relative to path, not a path of its own";
        } else if (("/" + glob + "/").contains("/../")) {
            why = "'" + glob + "' may not leave path with '..'";
        } else {
            try {
                FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException e) {
                why = "'" + glob + "' is not a glob: " + e.getDescription();
            }
        }
        if (why != null) {
            problems.at(pattern.node(), "files.pattern: " + why);
        }
    }
}
