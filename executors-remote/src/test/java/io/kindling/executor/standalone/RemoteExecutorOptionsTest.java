package io.kindling.executor.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.ExecutorFactories;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Bad options of the remote executors fail at creation with the executor's and the option's name; no cluster. */
class RemoteExecutorOptionsTest {
    private final ExecutorFactories executors = new ExecutorFactories();

    private Executor create(String type, Map<String, String> options) {
        return executors.create(new ExecutorConfig("remote", type, 1, Path.of("."), Map.of(), options));
    }

    @Test
    void bothRemoteTypesAreFoundThroughServiceLoader() {
        assertThat(executors.types()).contains("local", "spark-standalone", "spark-connect");
    }

    @Test
    void aStandaloneExecutorFailsAStreamTaskSayingWhichExecutorsRunThem() throws Exception {
        TaskBody.Stream stream = new TaskBody.Stream(
                new DataRef("json", "landing", "error", Map.of()),
                Optional.empty(),
                "SELECT * FROM source",
                new DataRef("parquet", "out", "append", Map.of()),
                Optional.empty(),
                Optional.empty(),
                Map.of());
        Executor standalone = create("spark-standalone", Map.of("master", "spark://127.0.0.1:1"));
        try {
            AttemptResult result = standalone
                    .start(new AttemptRequest(
                            "a-1", "run-1", "p", "t", 1, stream, Map.of(), Map.of(), Path.of("target/a-1.log")))
                    .result()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
            assertThat(result.error())
                    .hasValue("executor 'remote': type spark-standalone does not run stream tasks yet: give the task an"
                            + " executor of type local");
        } finally {
            standalone.close();
        }
    }

    @Test
    void standaloneOptionsAreChecked() {
        assertThatThrownBy(() -> create("spark-standalone", Map.of()))
                .hasMessage("executor 'remote' (type spark-standalone): option 'master' must be a master URL like "
                        + "spark://host:7077, not ''");
        assertThatThrownBy(() -> create("spark-standalone", Map.of("master", "local[2]")))
                .hasMessageContaining("not 'local[2]'");
        assertThatThrownBy(() -> create("spark-standalone", Map.of("master", "spark://h:7077", "mastr", "x")))
                .hasMessageContaining("unknown option 'mastr'")
                .hasMessageContaining("master");
        assertThatThrownBy(() ->
                        create("spark-standalone", Map.of("master", "spark://h:7077", "connectTimeoutSeconds", "soon")))
                .hasMessageContaining("option 'connectTimeoutSeconds' must be a whole number, at least 1, not 'soon'");
        assertThatThrownBy(() -> create("spark-standalone", Map.of("master", "spark://h:7077", "restUrl", "h:6066")))
                .hasMessageContaining("option 'restUrl' must be an http(s) URL");
    }

    @Test
    void standaloneDefaultsTheRestUrlFromTheMaster() {
        StandaloneExecutor executor =
                (StandaloneExecutor) create("spark-standalone", Map.of("master", "spark://spark-master.example:7077"));
        try {
            assertThat(executor.restUrl()).hasToString("http://spark-master.example:6066");
            assertThat(executor.canAttach()).isTrue();
        } finally {
            executor.close();
        }
    }

    @Test
    void connectOptionsAreChecked() {
        assertThatThrownBy(() -> create("spark-connect", Map.of("url", "http://h:15002")))
                .hasMessage("executor 'remote' (type spark-connect): option 'url' must be a Spark Connect URL like "
                        + "sc://host:15002, not 'http://h:15002'");
        assertThatThrownBy(() -> create("spark-connect", Map.of("url", "sc://h", "cancelGraceSeconds", "0")))
                .hasMessageContaining("option 'cancelGraceSeconds' must be a whole number of seconds, at least 1");
        Executor connect = create("spark-connect", Map.of("url", "sc://h:15002/;user_id=kindling"));
        try {
            assertThat(connect.canAttach()).isTrue();
        } finally {
            connect.close();
        }
    }
}
