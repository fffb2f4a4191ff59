package io.kindling.executor;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * The jar files option {@code key} names (comma-separated, relative to {@code workDir}), absolute, in order;
     * checked when the executor is created, so a missing one stops the start.
     *
     * @param where how errors name the executor ({@code "executor 'x' (type local): "})
     * @throws IllegalArgumentException naming the first jar that is not a file
     */
    public List<Path> jarFiles(String key, String where) {
        List<Path> jars = new ArrayList<>();
        for (String name : options.getOrDefault(key, "").split(",")) {
            if (name.isBlank()) {
                continue;
            }
            Path jar = workDir.resolve(name.strip()).toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException(where + "option '" + key + "': no such file " + jar);
            }
            jars.add(jar);
        }
        return List.copyOf(jars);
    }
}
