package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ResourceHelpers;
import io.kindling.scheduler.ValidationConfig;
import io.kindling.scheduler.cli.ValidateCommand;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import io.kindling.scheduler.support.KindlingCli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code validate --config} refuses exactly what the daemon started with that config refuses, with the same lines. */
class ConfigNamesTest {
    @RegisterExtension
    final KindlingCli cli = new KindlingCli();

    private KindlingApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
    }

    @Test
    void theDaemonsLoadAndValidateConfigRefuseTheSameFilesWithTheSameProblems() throws Exception {
        app = KindlingApp.create(false, "pipelines/config_names").start();
        JsonNode list = new Http(app).get("/pipelines");
        List<String> daemon = new ArrayList<>();
        list.get("load_errors").forEach(e -> e.get("problems").forEach(p -> daemon.add(p.asText())));
        List<String> loaded = new ArrayList<>();
        list.get("pipelines").forEach(p -> loaded.add(p.get("id").asText()));
        Path pipelines = app.workDir.resolve("pipelines");
        app.stop(); // validate sets up its own logging
        app = null;

        assertThat(loaded).containsExactly("fine");
        assertThat(daemon)
                .anyMatch(l -> l.matches(".*names\\.yml:3:\\d+: cron: '0 0 31 4 \\*' never fires.*"))
                .anyMatch(l -> l.matches(".*names\\.yml:4:\\d+: unknown executor 'sprak' \\(known: local\\)"))
                .anyMatch(l -> l.matches(".*names\\.yml:4:\\d+: retry_delay 20m is longer than max_retry_delay 10m "
                        + "\\(the default\\).*"))
                .anyMatch(
                        l -> l.matches(".*names\\.yml:5:\\d+: unknown webhook 'pager' in on_failure \\(known: ops\\)"))
                .anyMatch(l -> l.matches(".*names\\.yml:8:\\d+: retry_delay 1m is longer than max_retry_delay 30s, .*"))
                .hasSize(5);

        cli.reset();
        int status = ValidateCommand.runStandalone(
                new ValidationConfig(),
                "validate",
                "--config",
                ResourceHelpers.resourceFilePath("test-config.yml"),
                pipelines.toString());
        assertThat(status).isEqualTo(1);
        assertThat(cli.stdout().lines().toList()).containsExactlyElementsOf(daemon);
    }
}
