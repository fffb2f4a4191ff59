package io.kindling.scheduler.support;

import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.kindling.scheduler.KindlingApplication;
import io.kindling.scheduler.KindlingConfiguration;
import jakarta.ws.rs.client.ClientRequestFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.glassfish.jersey.client.JerseyClientBuilder;
import org.junit.jupiter.api.Assumptions;

/**
 * The real daemon on random ports, its own working folder with the given pipelines, and a fresh database: a SQLite
 * file, or with {@code -Dkindling.test.database=postgresql} a new schema on the test PostgreSQL server (the
 * {@code postgresql} test run of the build runs the daemon's tests so, skipping them when there is no server).
 */
public final class KindlingApp {
    private static final String DATABASE_PROPERTY = "kindling.test.database";
    /**
     * Every test daemon's admin token, set as its {@code auth.bootstrapToken} (so no first-start token is made or
     * printed); {@link #extension}'s client sends it on every request, so tests call the API as before.
     */
    public static final String ADMIN_TOKEN = "kdl_test-admin-token-of-every-test-daemon";
    /** {@link #ADMIN_TOKEN} as a header line, for raw requests. */
    public static final String ADMIN_AUTHORIZATION = "Authorization: Bearer " + ADMIN_TOKEN;
    /** Adds the admin token to a request that has no Authorization header of its own. */
    public static final ClientRequestFilter BEARER = request -> {
        if (!request.getHeaders().containsKey("Authorization")) {
            request.getHeaders().putSingle("Authorization", "Bearer " + ADMIN_TOKEN);
        }
    };

    public final Path workDir;
    public final Clock clock;
    public final DropwizardAppExtension<KindlingConfiguration> extension;
    private final TestDatabase database;
    private final String configFile;
    private final ConfigOverride[] extra;

    /** The daemon's database, and why it cannot start here (no PostgreSQL server), or null. */
    private record TestDatabase(String url, String unavailable) {
        static TestDatabase fresh(Path workDir) {
            if (!"postgresql".equals(System.getProperty(DATABASE_PROPERTY))) {
                return new TestDatabase("jdbc:sqlite:" + workDir.resolve("data/kindling.db"), null);
            }
            try {
                return new TestDatabase(TestDatabases.newPostgresSchema(), null);
            } catch (SQLException e) {
                return new TestDatabase("jdbc:postgresql://unavailable/", TestDatabases.unavailable(e));
            }
        }
    }

    private KindlingApp(Path workDir, Clock clock, TestDatabase database, String configFile, ConfigOverride... extra) {
        this.workDir = workDir;
        this.clock = clock;
        this.database = database;
        this.configFile = configFile;
        this.extra = extra;
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("database.url", database.url()),
                ConfigOverride.config("auth.bootstrapToken", ADMIN_TOKEN),
                ConfigOverride.config(
                        "auth.adminTokenFile",
                        workDir.resolve("data/admin-token").toString()),
                ConfigOverride.config("workDir", workDir.toString()),
                ConfigOverride.config("logDir", workDir.resolve("data/logs").toString())));
        overrides.addAll(List.of(extra));
        DropwizardTestSupport<KindlingConfiguration> support =
                new DropwizardTestSupport<>(
                        KindlingApplication.class, configFile, overrides.toArray(ConfigOverride[]::new)) {
                    @Override
                    public Application<KindlingConfiguration> newApplication() {
                        return new KindlingApplication(clock);
                    }

                    @Override
                    public void before() throws Exception {
                        Assumptions.assumeTrue(database.unavailable() == null, database.unavailable());
                        super.before();
                    }
                };
        this.extension = new DropwizardAppExtension<>(support) {
            @Override
            protected JerseyClientBuilder clientBuilder() {
                return super.clientBuilder().register(BEARER);
            }
        };
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
            return new KindlingApp(
                    workDir,
                    clock,
                    TestDatabase.fresh(workDir),
                    ResourceHelpers.resourceFilePath("test-config.yml"),
                    ConfigOverride.config("pipelines", pipelines.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A daemon whose pipelines come from one git source named {@code repo}: branch {@code main} of
     * {@code repository}, sub-folder {@code pipelines}, cloned into {@code data/checkout}, fetched only on
     * {@code POST /api/v1/sources/sync} (no polling, so the test decides when).
     */
    public static KindlingApp withGitSource(Clock clock, String repositoryUrl) {
        try {
            Path workDir = Files.createTempDirectory("kindling-app-");
            TestDirs.copyTree(TestDirs.repositoryRoot().resolve("examples/data"), workDir.resolve("examples/data"));
            return new KindlingApp(
                    workDir,
                    clock,
                    TestDatabase.fresh(workDir),
                    ResourceHelpers.resourceFilePath("test-config-git.yml"),
                    ConfigOverride.config("sources[0].url", repositoryUrl),
                    ConfigOverride.config(
                            "sources[0].checkoutDir",
                            workDir.resolve("data/checkout").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Another daemon on the same folder, database and clock: start it after stopping this one to restart. */
    public KindlingApp again() {
        return new KindlingApp(workDir, clock, database, configFile, extra);
    }

    /** The same folder, database and clock with another config file (paths are still set per test, as above). */
    public KindlingApp withConfig(Path config) {
        return new KindlingApp(workDir, clock, database, config.toString(), extra);
    }

    /** The same daemon with more settings, e.g. {@code ConfigOverride.config("webhooks.ops.url", url)}. */
    public KindlingApp withOverrides(ConfigOverride... more) {
        List<ConfigOverride> all = new ArrayList<>(List.of(extra));
        all.addAll(List.of(more));
        return new KindlingApp(workDir, clock, database, configFile, all.toArray(ConfigOverride[]::new));
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

    /** A URL on the admin port, e.g. {@code admin("/prometheus")}; send {@link #ADMIN_TOKEN} as a bearer token. */
    public String admin(String path) {
        return "http://localhost:" + extension.getAdminPort() + path;
    }

    /** The JDBC URL of the daemon's database (a SQLite file, or a PostgreSQL schema), for tests that write history. */
    public String databaseUrl() {
        return database.url();
    }

    public String api(String path) {
        return "http://localhost:" + extension.getLocalPort() + "/api/v1" + path;
    }
}
