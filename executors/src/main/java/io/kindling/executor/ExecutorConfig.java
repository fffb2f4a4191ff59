package io.kindling.executor;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One executor's settings from config.yml.
 *
 * @param slots     how many attempts may run on it at once (the scheduler enforces this)
 * @param workDir   relative input/output paths and class-task paths resolve against this folder
 * @param sparkConf Spark configuration applied to every attempt
 * @param options   type-specific settings (for example {@code master}, {@code url})
 */
public record ExecutorConfig(
        String name, String type, int slots, Path workDir, Map<String, String> sparkConf, Map<String, String> options) {
    public ExecutorConfig {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be at least 1");
        }
        requireNonNull(workDir, "workDir is null");
        sparkConf = Map.copyOf(sparkConf);
        options = Map.copyOf(options);
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }
}
