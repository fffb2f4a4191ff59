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
import java.sql.SQLException;
import java.time.Clock;
import org.junit.jupiter.api.Assumptions;

/**
 * The real daemon on random ports, its own working folder with the given pipelines, and a fresh database: a SQLite
 * file, or with {@code -Dkindling.test.database=postgresql} a new schema on the test PostgreSQL server (the
 * {@code postgresql} test run of the build runs the daemon's tests so, skipping them when there is no server).
 */
public final class KindlingApp {
    private static final String DATABASE_PROPERTY = "kindling.test.database";

    public final Path workDir;
    public final Clock clock;
    public final DropwizardAppExtension<KindlingConfiguration> extension;
    private final String databaseUrl;
    /** Why the daemon cannot start here (no PostgreSQL server), or null. */
    private final String unavailable;

    private KindlingApp(Path workDir, Clock clock, String databaseUrl, String unavailable) {
        this.workDir = workDir;
        this.clock = clock;
        this.databaseUrl = databaseUrl;
        this.unavailable = unavailable;
        DropwizardTestSupport<KindlingConfiguration> support = new DropwizardTestSupport<>(
                KindlingApplication.class, ResourceHelpers.resourceFilePath("test-config.yml"),
                ConfigOverride.config("database.url", databaseUrl),
                ConfigOverride.config("pipelines", workDir.resolve("pipelines").toString()),
                ConfigOverride.config("workDir", workDir.toString()),
                ConfigOverride.config("logDir", workDir.resolve("data/logs").toString())) {
            @Override
            public Application<KindlingConfiguration> newApplication() {
                return new KindlingApplication(clock);
            }

            @Override
            public void before() throws Exception {
                Assumptions.assumeTrue(unavailable == null, unavailable);
                super.before();
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
            if ("postgresql".equals(System.getProperty(DATABASE_PROPERTY))) {
                try {
                    return new KindlingApp(workDir, clock, TestDatabases.newPostgresSchema(), null);
                } catch (SQLException e) {
                    return new KindlingApp(workDir, clock, "jdbc:postgresql://unavailable/",
                            TestDatabases.unavailable(e));
                }
            }
            return new KindlingApp(workDir, clock, "jdbc:sqlite:" + workDir.resolve("data/kindling.db"), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another daemon on the same folder, database and clock: start it after stopping this one to restart. */
    public KindlingApp again() {
        return new KindlingApp(workDir, clock, databaseUrl, unavailable);
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
