package io.kindling.scheduler.support;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.kindling.scheduler.KindlingApplication;
import io.kindling.scheduler.KindlingConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real daemon on random ports, a fresh SQLite file and its own working folder with the given pipelines. */
public final class KindlingApp {
    public final Path workDir;
    public final DropwizardAppExtension<KindlingConfiguration> extension;

    private KindlingApp(Path workDir, DropwizardAppExtension<KindlingConfiguration> extension) {
        this.workDir = workDir;
        this.extension = extension;
    }

    /**
     * @param pipelineFolders test resource folders (under src/test/resources) copied into the pipelines folder
     * @param withExampleDiamond also copy the repository's {@code people} example (and its data)
     */
    public static KindlingApp create(boolean withExampleDiamond, String... pipelineFolders) {
        try {
            Path workDir = Files.createTempDirectory("kindling-app-");
            Path pipelines = Files.createDirectories(workDir.resolve("pipelines"));
            Path examples = TestDirs.repositoryRoot().resolve("examples");
            TestDirs.copyTree(examples.resolve("data"), workDir.resolve("examples/data"));
            if (withExampleDiamond) {
                Files.copy(examples.resolve("pipelines/people.yml"), pipelines.resolve("people.yml"));
                TestDirs.copyTree(examples.resolve("pipelines/sql"), pipelines.resolve("sql"));
            }
            for (String folder : pipelineFolders) {
                TestDirs.copyTree(TestDirs.resource(folder), pipelines);
            }
            DropwizardAppExtension<KindlingConfiguration> extension = new DropwizardAppExtension<>(
                    KindlingApplication.class, ResourceHelpers.resourceFilePath("test-config.yml"),
                    ConfigOverride.config("database.url", "jdbc:sqlite:" + workDir.resolve("data/kindling.db")),
                    ConfigOverride.config("pipelines", pipelines.toString()),
                    ConfigOverride.config("workDir", workDir.toString()),
                    ConfigOverride.config("logDir", workDir.resolve("data/logs").toString()));
            return new KindlingApp(workDir, extension);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String api(String path) {
        return "http://localhost:" + extension.getLocalPort() + "/api/v1" + path;
    }
}
