package io.kindling.executor.standalone.apps;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A long remote job the test holds: it runs until the file named by its {@code release} arg exists in the work
 * folder (at most two minutes), then writes {@code out}.
 */
public class HeldTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        context.log("held task started");
        Path release = context.workDir().resolve(context.args().get("release"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (Files.notExists(release)) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("never released: " + release);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        try {
            Files.writeString(context.workDir().resolve(context.args().get("out")), context.runId());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        context.log("held task done");
    }
}
