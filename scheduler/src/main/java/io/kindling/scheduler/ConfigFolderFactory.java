package io.kindling.scheduler;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Reads config.yml as Dropwizard does ({@code ${VAR}} substitution, {@code -Ddw.} overrides, validation), then
 * resolves its relative paths against the file's folder: {@code bin/kindling server /etc/kindling/config.yml} reads
 * and writes under /etc/kindling from whatever folder it is started in. A configuration that is not a file (no
 * path, a class path resource) keeps the working directory.
 */
final class ConfigFolderFactory implements ConfigurationFactory<KindlingConfiguration> {
    private final ConfigurationFactory<KindlingConfiguration> yaml;

    ConfigFolderFactory(ConfigurationFactory<KindlingConfiguration> yaml) {
        this.yaml = yaml;
    }

    @Override
    public KindlingConfiguration build(ConfigurationSourceProvider provider, String path)
            throws IOException, ConfigurationException {
        KindlingConfiguration config = yaml.build(provider, path);
        config.resolvePaths(folderOf(path));
        return config;
    }

    @Override
    public KindlingConfiguration build() throws IOException, ConfigurationException {
        KindlingConfiguration config = yaml.build();
        config.resolvePaths(Path.of(""));
        return config;
    }

    static Path folderOf(String path) {
        try {
            Path file = Path.of(path).toAbsolutePath();
            return Files.isRegularFile(file) ? file.getParent() : Path.of("").toAbsolutePath();
        } catch (InvalidPathException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
