package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs until the file named by its {@code file} argument exists in the work folder (at most a minute): a task a
 * test keeps running while it changes things, then lets finish.
 */
public class WaitsForFileTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        Path file = context.workDir().resolve(context.args().get("file"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (Files.notExists(file)) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("gave up waiting for " + file);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        context.log("found " + file);
    }
}
