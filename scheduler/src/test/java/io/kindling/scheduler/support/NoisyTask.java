package io.kindling.scheduler.support;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** Logs {@code lines} numbered lines (arg), for the attempt log limit's test. */
public class NoisyTask implements SparkTask {
    @Override
    public void run(SparkTaskContext context) {
        int lines = Integer.parseInt(context.args().get("lines"));
        for (int i = 1; i <= lines; i++) {
            context.log("noisy line " + i + " of " + lines);
        }
    }
}
