package io.kindling.executor.connect;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;

/** Attempts the spark-connect tests send: a fresh run id each, the log under {@code workDir/logs}. */
final class ConnectAttempts {
    private ConnectAttempts() {}

    static AttemptRequest request(String pipeline, Path workDir, String taskId, TaskBody body) {
        String run = "run-" + UUID.randomUUID().toString().substring(0, 8);
        return new AttemptRequest(
                run + "." + taskId + ".1",
                run,
                pipeline,
                taskId,
                1,
                body,
                Map.of(),
                Map.of(),
                workDir.resolve("logs").resolve(run + "-" + taskId + ".log"));
    }

    /** The attempt's result, once it has one (within {@code atMost}). */
    static AttemptResult await(AttemptHandle handle, Duration atMost) {
        CompletableFuture<AttemptResult> result = handle.result().toCompletableFuture();
        Awaitility.await().atMost(atMost).until(result::isDone);
        return result.join();
    }
}
