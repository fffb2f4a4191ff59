package io.kindling.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kindling.executor.AttemptResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark process's life on its own: nothing outlives the daemon. */
class SparkProcessTest {
    @TempDir
    Path workDir;

    private final CompletableFuture<String> exited = new CompletableFuture<>();
    private final SparkProcess.Listener listener = new SparkProcess.Listener() {
        @Override
        public void result(SparkProcess process, String attemptId, AttemptResult result, Optional<String> appId) {}

        @Override
        public void status(SparkProcess process, JsonNode status) {}

        @Override
        public void exited(SparkProcess process, String why) {
            exited.complete(why);
        }
    };

    private SparkProcess start() throws IOException {
        ObjectNode config = AgentFrames.message("config")
                .put("name", "solo")
                .put("slots", 1)
                .put("work_dir", workDir.toString());
        config.set("spark_conf", AgentFrames.JSON.valueToTree(Map.of()));
        config.set("options", AgentFrames.JSON.valueToTree(Map.of("mode", "in-process", "master", "local[1]")));
        return SparkProcess.start(
                "solo", workDir, "512m", List.of(), Map.of(), config, Duration.ofSeconds(60), listener);
    }

    @Test
    void theProcessExitsByItselfWhenTheDaemonGoesAway() throws IOException {
        SparkProcess process = start();
        ProcessHandle handle = ProcessHandle.of(process.pid()).orElseThrow();
        assertThat(handle.parent().map(ProcessHandle::pid))
                .hasValue(ProcessHandle.current().pid());

        process.disconnect();

        await().atMost(Duration.ofSeconds(30)).until(() -> !handle.isAlive());
        assertThat(exited.join()).startsWith("the Spark process exited with status 0");
    }
}
