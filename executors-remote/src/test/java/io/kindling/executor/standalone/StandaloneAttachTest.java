package io.kindling.executor.standalone;

import static io.kindling.executor.standalone.ClusterFixture.await;
import static io.kindling.executor.standalone.ClusterFixture.awaitDriverState;
import static io.kindling.executor.standalone.ClusterFixture.drivers;
import static io.kindling.executor.standalone.ClusterFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kindling.cluster.LocalCluster;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Re-attach: an executor that started a driver goes away (as with a daemon restart), and a new one follows the
 * same driver to its end by the id the first one reported, without submitting anything.
 */
@Tag("cluster")
class StandaloneAttachTest {

    @Test
    void aNewExecutorFollowsADriverStartedByAnotherToItsEnd() throws Exception {
        LocalCluster cluster = ClusterFixture.cluster();
        Path workDir = Files.createTempDirectory("kindling-attach-test");
        Map<String, String> jars =
                Map.of("jars", ClusterFixture.appsJar(workDir).toString());
        AttemptRequest request = request(
                workDir,
                "slow",
                new TaskBody.JavaClass(
                        "io.kindling.executor.standalone.apps.HeldTask",
                        Map.of("release", "release", "out", "slow.txt")));
        AtomicReference<String> recorded = new AtomicReference<>();

        StandaloneExecutor first = ClusterFixture.executor(workDir, jars);
        first.start(request, recorded::set);
        org.awaitility.Awaitility.await().until(() -> recorded.get() != null);
        String driver = recorded.get();
        awaitDriverState(cluster, driver, "RUNNING");
        first.close(); // the daemon dies: nobody tracks the driver, which keeps running
        int driversBefore = drivers(cluster).size();

        StandaloneExecutor second = ClusterFixture.executor(workDir, jars);
        try {
            assertThat(second.canAttach()).isTrue();
            AttemptHandle attached = second.attach(request, driver);
            assertThat(attached.remoteId()).contains(driver);
            Files.writeString(workDir.resolve("release"), "go"); // the driver may end only now it is followed again

            AttemptResult result = await(attached);
            assertThat(result).extracting(AttemptResult::withoutSparkMetrics).isEqualTo(AttemptResult.succeeded());
            // the metrics come from the driver's log, which the attempt followed again reads from its start
            assertThat(result.sparkMetrics())
                    .hasValueSatisfying(
                            metrics -> assertThat(metrics.jobs().failed()).isZero());
            assertThat(workDir.resolve("slow.txt")).hasContent(request.runId());
            assertThat(drivers(cluster)).hasSize(driversBefore).containsEntry(driver, "FINISHED");
            assertThat(Files.readString(request.logFile()))
                    .contains("submitted as " + driver)
                    .contains("re-attached to " + driver)
                    .contains("held task done")
                    .contains("ended FINISHED");
        } finally {
            second.close();
        }
    }

    @Test
    void attachingToADriverTheMasterDoesNotKnowFailsSayingSo() throws Exception {
        Path workDir = Files.createTempDirectory("kindling-attach-test");
        StandaloneExecutor executor = ClusterFixture.executor(workDir, Map.of());
        try {
            AttemptHandle handle = executor.attach(
                    request(
                            workDir,
                            "lost",
                            new TaskBody.Sql(
                                    "SELECT 1", java.util.Optional.empty(), Map.of(), java.util.Optional.empty())),
                    "driver-20200101000000-9999");

            AttemptResult result = await(handle);

            assertThat(result.outcome()).isEqualTo(AttemptResult.Outcome.FAILED);
            assertThat(result.error())
                    .hasValueSatisfying(error ->
                            assertThat(error).contains("driver-20200101000000-9999 was not found on the master"));
        } finally {
            executor.close();
        }
    }
}
