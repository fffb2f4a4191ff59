package io.kindling.executor.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogOptionsTest {
    private static final String WHERE = "executor 'local' (type local): ";

    @TempDir
    Path workDir;

    @Test
    void withoutOptionsSparkKeepsItsDefaultsAndNothingIsLinked() {
        EventLogOptions options = EventLogOptions.from(Map.of(), workDir, WHERE);

        assertThat(options.sparkConf()).isEmpty();
        assertThat(options.applicationUrl("app-1")).isEmpty();
    }

    @Test
    void aRelativeFolderResolvesAgainstTheWorkDirAndIsCreated() {
        EventLogOptions options = EventLogOptions.from(Map.of("eventLogDir", "data/spark-events"), workDir, WHERE);

        Path folder = workDir.resolve("data/spark-events");
        assertThat(folder).isDirectory();
        assertThat(options.sparkConf())
                .containsEntry("spark.eventLog.enabled", "true")
                .containsEntry("spark.eventLog.dir", folder.toUri().toString());
    }

    @Test
    void aFileUriIsAFolderAndOtherFileSystemsAreLeftToSpark() {
        Path folder = workDir.resolve("events");
        assertThat(EventLogOptions.from(Map.of("eventLogDir", folder.toUri().toString()), workDir, WHERE)
                        .eventLogDir())
                .contains(folder.toUri().toString());
        assertThat(folder).isDirectory();
        assertThat(EventLogOptions.from(Map.of("eventLogDir", "hdfs://nn:8020/spark-events"), workDir, WHERE)
                        .eventLogDir())
                .contains("hdfs://nn:8020/spark-events");
    }

    @Test
    void anAttemptLinksToItsApplicationOnTheHistoryServer() {
        EventLogOptions options =
                EventLogOptions.from(Map.of("historyServerUrl", "http://127.0.0.1:18082/"), workDir, WHERE);

        assertThat(options.applicationUrl("local-1796389513228"))
                .contains(URI.create("http://127.0.0.1:18082/history/local-1796389513228/jobs/"));
    }

    @Test
    void badValuesAreErrorsNamingTheExecutorAndOption() throws Exception {
        assertThatThrownBy(() -> EventLogOptions.from(Map.of("historyServerUrl", "127.0.0.1:18082"), workDir, WHERE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(WHERE + "option 'historyServerUrl' must be an http(s) URL like http://127.0.0.1:18082, "
                        + "not '127.0.0.1:18082'");
        Files.writeString(workDir.resolve("taken"), "a file, not a folder");
        assertThatThrownBy(() -> EventLogOptions.from(Map.of("eventLogDir", "taken"), workDir, WHERE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(WHERE + "option 'eventLogDir': cannot create " + workDir.resolve("taken"));
        assertThat(EventLogOptions.from(Map.of("eventLogDir", " "), workDir, WHERE)
                        .eventLogDir())
                .isEqualTo(Optional.empty());
    }
}
