package io.kindling.scheduler.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.kindling.scheduler.KindlingConfiguration;
import io.kindling.scheduler.support.Http;
import io.kindling.scheduler.support.KindlingApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A caller's param rendered into an output path cannot leave the folder the author wrote (review test 9): a
 * param with a pattern refuses such a value at trigger time; free text fails the attempt at render time, before
 * Spark runs, with an error naming the param; nothing is written anywhere.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ParamPathTest {
    private static final KindlingApp APP = KindlingApp.create(false, "pipelines/params");
    static final DropwizardAppExtension<KindlingConfiguration> EXTENSION = APP.extension;
    private final Http http = new Http(APP);

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "/tmp/x", "s3a://other/", "..", "~root", "a\\b"})
    void aCallersValueThatLeavesThePathsFolderIsRefused(String value) {
        Set<Path> before = files();

        JsonNode refused = http.post("/pipelines/exports/runs", Map.of("params", Map.of("region", value)), 400);
        assertThat(refused.get("message").asText()).startsWith("param 'region' must match the pattern [a-z]+");

        JsonNode run = http.post("/pipelines/exports/runs", Map.of("params", Map.of("folder", value)), 201);
        String runId = run.get("run_id").asText();
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.get("/runs/" + runId).get("state").asText().equals("FAILED"));
        JsonNode task = http.get("/runs/" + runId).get("tasks").get(0);
        assertThat(task.get("task_id").asText()).isEqualTo("folder");
        assertThat(task.get("attempts").get(0).get("error").asText())
                .startsWith("param 'folder' is used in a path and its value ")
                .endsWith(": a value given at trigger time may not hold /, \\, .., : or start with ~");
        assertThat(files()).isEqualTo(before);
    }

    /** Every file and folder under the daemon's work dir's parent, less the daemon's own database and logs. */
    private static Set<Path> files() {
        Path root = APP.workDir.getParent();
        try (Stream<Path> all = Files.walk(APP.workDir)) {
            Set<Path> found = all.filter(p -> !p.startsWith(APP.workDir.resolve("data/logs"))
                            && !p.getFileName().toString().startsWith("kindling.db"))
                    .collect(Collectors.toCollection(TreeSet::new));
            try (Stream<Path> siblings = Files.list(root)) {
                siblings.filter(p -> !p.startsWith(APP.workDir))
                        .filter(p -> p.getFileName().toString().equals("etc")
                                || p.getFileName().toString().equals("x"))
                        .forEach(found::add);
            }
            found.addAll(
                    List.of(Path.of("/tmp/x")).stream().filter(Files::exists).toList());
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
