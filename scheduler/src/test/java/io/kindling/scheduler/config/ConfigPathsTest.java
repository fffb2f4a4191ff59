package io.kindling.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.logging.common.DefaultLoggingFactory;
import io.dropwizard.logging.common.FileAppenderFactory;
import io.kindling.scheduler.KindlingConfiguration;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Every relative path of config.yml resolves against the config's folder; absolute ones and URIs stay. */
class ConfigPathsTest {
    private static final Path BASE = Path.of("/etc/kindling");

    @Test
    void sqliteFilesResolveAndOtherDatabasesStay() {
        assertThat(ConfigPaths.sqliteUrl(BASE, "jdbc:sqlite:data/kindling.db"))
                .isEqualTo("jdbc:sqlite:/etc/kindling/data/kindling.db");
        assertThat(ConfigPaths.sqliteUrl(BASE, "jdbc:sqlite:../db/k.db?busy_timeout=1000"))
                .isEqualTo("jdbc:sqlite:/etc/db/k.db?busy_timeout=1000");
        assertThat(ConfigPaths.sqliteUrl(BASE, "jdbc:sqlite:/var/lib/k.db")).isEqualTo("jdbc:sqlite:/var/lib/k.db");
        assertThat(ConfigPaths.sqliteUrl(BASE, "jdbc:sqlite::memory:")).isEqualTo("jdbc:sqlite::memory:");
        assertThat(ConfigPaths.sqliteUrl(BASE, "jdbc:sqlite:file:k.db?mode=memory"))
                .isEqualTo("jdbc:sqlite:file:k.db?mode=memory");
        assertThat(ConfigPaths.sqliteUrl(BASE, "jdbc:postgresql://db/kindling"))
                .isEqualTo("jdbc:postgresql://db/kindling");
    }

    @Test
    void everyPathOfAConfigFileResolvesAgainstItsFolder() throws Exception {
        YamlConfigurationFactory<KindlingConfiguration> yaml = new YamlConfigurationFactory<>(
                KindlingConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
        KindlingConfiguration config =
                yaml.build(new ResourceConfigurationSourceProvider(), "config-with-relative-paths.yml");

        config.resolvePaths(BASE);

        assertThat(config.getDatabase().getUrl()).isEqualTo("jdbc:sqlite:/etc/kindling/data/kindling.db");
        assertThat(config.getWorkDir()).isEqualTo("/etc/kindling");
        assertThat(config.getLogDir()).isEqualTo("/var/log/kindling");
        assertThat(config.getAuth().getAdminTokenFile()).isEqualTo("/etc/kindling/data/admin-token");
        assertThat(config.getSecrets().getFile()).isEqualTo("/etc/kindling/secrets.properties");
        assertThat(config.getSources())
                .extracting(SourceConfig::getPath, SourceConfig::getUrl, SourceConfig::getCheckoutDir)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/etc/kindling/pipelines", null, null),
                        org.assertj.core.groups.Tuple.tuple(
                                null, "/srv/repos/pipelines.git", "/etc/kindling/clones/local"),
                        org.assertj.core.groups.Tuple.tuple(null, "https://git.example.com/p.git", null));
        assertThat(config.dataFolder()).isEqualTo(Path.of("/etc/kindling/data"));
        FileAppenderFactory<?> file = (FileAppenderFactory<?>) ((DefaultLoggingFactory) config.getLoggingFactory())
                .getAppenders()
                .get(0);
        assertThat(file.getCurrentLogFilename()).isEqualTo("/etc/kindling/logs/kindling.log");
        assertThat(file.getArchivedLogFilenamePattern()).isEqualTo("/etc/kindling/logs/kindling-%d.log.gz");
    }

    @Test
    void theOldPipelinesShorthandAndItsDefaultResolveToo() {
        KindlingConfiguration config = new KindlingConfiguration();
        config.resolvePaths(BASE);
        assertThat(config.effectiveSources())
                .singleElement()
                .extracting(SourceConfig::getPath)
                .isEqualTo("/etc/kindling/examples/pipelines");

        config.setPipelines("my/pipelines");
        config.resolvePaths(BASE);
        assertThat(config.effectiveSources())
                .singleElement()
                .extracting(SourceConfig::getPath)
                .isEqualTo("/etc/kindling/my/pipelines");
    }
}
