package io.kindling.scheduler.support;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.kindling.scheduler.KindlingApplication;
import io.kindling.scheduler.KindlingConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** The real daemon on random ports, a fresh SQLite file and its own working folder with the given pipelines. */
public final class KindlingApp {
    public final Path workDir;
    public final Clock clock;
    public final DropwizardAppExtension<KindlingConfiguration> extension;

    private final String configFile;

    private KindlingApp(Path workDir, Clock clock) {
        this(workDir, clock, ResourceHelpers.resourceFilePath("test-config.yml"));
    }

    private KindlingApp(Path workDir, Clock clock, String configFile) {
        this.workDir = workDir;
        this.clock = clock;
        this.configFile = configFile;
        DropwizardTestSupport<KindlingConfiguration> support = new DropwizardTestSupport<>(
                KindlingApplication.class, configFile,
                ConfigOverride.config("database.url", "jdbc:sqlite:" + workDir.resolve("data/kindling.db")),
                ConfigOverride.config("pipelines", workDir.resolve("pipelines").toString()),
                ConfigOverride.config("workDir", workDir.toString()),
                ConfigOverride.config("logDir", workDir.resolve("data/logs").toString())) {
            @Override
            public Application<KindlingConfiguration> newApplication() {
                return new KindlingApplication(clock);
            }
        };
        this.extension = new DropwizardAppExtension<>(support);
    }

    /**
     * @param pipelineFolders test resource folders (under src/test/resources) copied into the pipelines folder
     * @param withExampleDiamond also copy the repository's {@code people} example (and its data)
     */
    public static KindlingApp create(boolean withExampleDiamond, String... pipelineFolders) {
        return create(Clock.systemUTC(), withExampleDiamond, pipelineFolders);
    }

    /** As {@link #create(boolean, String...)}, with the daemon reading the time from {@code clock}. */
    public static KindlingApp create(Clock clock, boolean withExampleDiamond, String... pipelineFolders) {
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
            return new KindlingApp(workDir, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another daemon on the same folder, database and clock: start it after stopping this one to restart. */
    public KindlingApp again() {
        return new KindlingApp(workDir, clock, configFile);
    }

    /** The same folder and clock with another config file (paths are still set per test, as above). */
    public KindlingApp withConfig(Path config) {
        return new KindlingApp(workDir, clock, config.toString());
    }

    /** For tests that start and stop daemons themselves rather than through the JUnit extension. */
    public KindlingApp start() throws Exception {
        extension.before();
        return this;
    }

    public void stop() {
        extension.after();
    }

    public KindlingApplication application() {
        return (KindlingApplication) extension.getApplication();
    }

    public String api(String path) {
        return "http://localhost:" + extension.getLocalPort() + "/api/v1" + path;
    }
}
