package io.kindling.executor.standalone;

import static io.kindling.executor.standalone.ClusterFixture.await;
import static io.kindling.executor.standalone.ClusterFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.cluster.LocalCluster;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Spark's own tools still work on drivers Kindling submits: their event logs land in the executor's
 * {@code eventLogDir}, the History Server of bin/kindling-cluster shows them, and the executor links an attempt
 * to its application there.
 */
@Tag("cluster")
class StandaloneEventLogTest {
    /**
     * Follows redirects as a browser does: the history server answers the first request for an application's page
     * with a redirect to the same page once it has loaded that application's UI.
     */
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    @Test
    void aDriversEventLogIsShownByTheHistoryServerTheAttemptLinksTo() throws Exception {
        LocalCluster cluster = ClusterFixture.cluster();
        Path workDir = Files.createTempDirectory("kindling-event-logs");
        Path eventLogs = workDir.resolve("spark-events");
        cluster.startHistoryServer(eventLogs, Duration.ofMinutes(2));
        String history = cluster.settings().historyUiUrl();
        StandaloneExecutor executor = ClusterFixture.executor(
                workDir, Map.of("eventLogDir", "spark-events", "historyServerUrl", history + "/"));
        try {
            AttemptHandle handle = executor.start(request(
                    workDir,
                    "logged",
                    new TaskBody.Sql("SELECT count(*) FROM range(100)", Optional.empty(), Map.of(), Optional.empty())));

            assertThat(await(handle).outcome()).isEqualTo(AttemptResult.Outcome.SUCCEEDED);
            String appId = handle.sparkApplicationId().orElseThrow();
            // Spark 4 rolls event logs by default: a folder per application
            assertThat(eventLogs.resolve("eventlog_v2_" + appId)).isDirectory();
            URI page = executor.applicationUrl(appId).orElseThrow();
            assertThat(page).hasToString(history + "/history/" + appId + "/jobs/");
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .until(() -> get(URI.create(history + "/api/v1/applications/" + appId))
                                    .statusCode()
                            == 200);
            HttpResponse<String> jobs = get(URI.create(history + "/api/v1/applications/" + appId + "/jobs"));
            assertThat(jobs.body()).contains("\"status\" : \"SUCCEEDED\"");
            assertThat(get(page).statusCode()).isEqualTo(200);
        } finally {
            executor.close();
        }
    }

    @Test
    void withoutAHistoryServerAnAttemptLinksToTheMastersApplicationPage() throws Exception {
        Path workDir = Files.createTempDirectory("kindling-no-event-logs");
        StandaloneExecutor executor = ClusterFixture.executor(workDir, Map.of());
        try {
            assertThat(executor.applicationUrl("app-20261204130000-0001"))
                    .contains(URI.create(
                            ClusterFixture.cluster().settings().masterUiUrl() + "/app/?appId=app-20261204130000-0001"));
            assertThat(executor.submission(request(
                                    workDir,
                                    "plain",
                                    new TaskBody.Sql("SELECT 1", Optional.empty(), Map.of(), Optional.empty())))
                            .sparkProperties())
                    .doesNotContainKey("spark.eventLog.enabled");
        } finally {
            executor.close();
        }
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
