package io.kindling.executor.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kindling.executor.ExecutorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code jars} option: files relative to the work dir, each checked when the executor is made. */
class ConnectOptionsTest {
    @TempDir
    Path workDir;

    @Test
    void jarsResolveAgainstTheWorkDirInOrder() throws IOException {
        Files.createDirectories(workDir.resolve("lib"));
        Files.writeString(workDir.resolve("lib/b.jar"), "b");
        Files.writeString(workDir.resolve("a.jar"), "a");

        ConnectOptions options = ConnectOptions.from(config(Map.of("jars", "lib/b.jar, a.jar")));

        assertThat(options.jars()).containsExactly(workDir.resolve("lib/b.jar"), workDir.resolve("a.jar"));
        assertThat(ConnectOptions.from(config(Map.of())).jars()).isEmpty();
    }

    @Test
    void aMissingJarStopsTheStart() {
        assertThatThrownBy(() -> ConnectOptions.from(config(Map.of("jars", "lib/none.jar"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("executor 'connect' (type spark-connect): option 'jars': no such file "
                        + workDir.resolve("lib/none.jar"));
    }

    private ExecutorConfig config(Map<String, String> more) {
        Map<String, String> options = new java.util.HashMap<>(more);
        options.put("url", "sc://127.0.0.1:15002");
        return new ExecutorConfig("connect", "spark-connect", 1, workDir, Map.of(), options);
    }
}
