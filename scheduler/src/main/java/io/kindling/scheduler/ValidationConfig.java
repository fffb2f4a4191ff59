package io.kindling.scheduler;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.kindling.scheduler.cli.CommandFailedException;
import io.kindling.scheduler.cli.ValidateCommand;
import io.kindling.scheduler.config.SourceConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code validate --config config.yml}: reads config.yml exactly as the daemon does (${VAR} substitution, Dropwizard
 * validation, paths relative to its folder), so a config the daemon would refuse is refused here too, and hands
 * over what pipeline files are checked against ({@link KindlingConfiguration#parserOptions}) and its folder sources.
 */
public final class ValidationConfig implements ValidateCommand.ConfigReader {
    static ConfigurationSourceProvider substituting(ConfigurationSourceProvider provider) {
        return new SubstitutingSourceProvider(provider, new EnvironmentVariableSubstitutor(false));
    }

    /** config.yml as the daemon reads it; a {@link CommandFailedException} saying what is wrong with it. */
    public static KindlingConfiguration load(String path) {
        try {
            return new ConfigFolderFactory(new YamlConfigurationFactory<>(
                            KindlingConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw"))
                    .build(substituting(new FileConfigurationSourceProvider()), path);
        } catch (ConfigurationException e) {
            throw new CommandFailedException(e.getMessage().strip());
        } catch (IOException e) {
            throw new CommandFailedException("--config: cannot read " + path + " (" + e.getMessage() + ")");
        }
    }

    @Override
    public ValidateCommand.ConfigNames read(String path) {
        KindlingConfiguration config = load(path);
        List<Path> folders = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        for (SourceConfig source : config.effectiveSources()) {
            if ("folder".equals(source.getType())) {
                folders.add(Path.of(source.getPath()));
            } else {
                notChecked.add("source '" + source.getName() + "' (" + source.getType() + ") is not checked: give "
                        + "the folder of its pipelines in a checkout as a PATH");
            }
        }
        return new ValidateCommand.ConfigNames(config.parserOptions(), folders, notChecked);
    }
}
