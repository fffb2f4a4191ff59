package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** Does no Spark work and swallows interrupts until a test releases it: the worst kind of class task. */
public class IgnoresCancel implements SparkTask {
    public static final AtomicBoolean RUNNING = new AtomicBoolean();
    public static final AtomicBoolean RELEASE = new AtomicBoolean();

    @Override
    public void run(SparkTaskContext context) {
        RUNNING.set(true);
        while (!RELEASE.get()) {
            Thread.interrupted();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        context.log("released, cancelled=" + context.cancelled());
    }
}
