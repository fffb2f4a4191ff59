package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Logs a numbered line every 200 ms until the file named by its {@code file} argument exists in the work folder
 * (at most two minutes): a running attempt whose log grows while a test watches it. A first attempt fails once
 * released if the file says {@code fail}.
 */
public class TalksUntilFileTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) throws java.io.IOException {
        Path file = context.workDir().resolve(context.args().get("file"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int line = 0;
        while (Files.notExists(file)) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("gave up waiting for " + file);
            }
            line += 1;
            context.log("still talking: line " + line);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        context.log("released after line " + line);
        if (context.attemptNumber() == 1 && Files.readString(file).strip().equals("fail")) {
            throw new IllegalStateException("told to fail its first attempt");
        }
    }
}
