package io.kindling.executor.local.tasks;

import io.kindling.executor.spark.SparkTask;
import io.kindling.executor.spark.SparkTaskContext;

/** Writes the numbers 1..count as JSON to the {@code out} arg, resolved against the work dir. */
public class WriteNumbers implements SparkTask {

    @Override
    public void run(SparkTaskContext context) {
        long count = Long.parseLong(context.args().get("count"));
        String out = context.workDir().resolve(context.args().get("out")).toString();
        context.spark()
                .range(1, count + 1)
                .selectExpr("id AS n", "'" + context.params().get("min_age") + "' AS p")
                .write()
                .mode("overwrite")
                .json(out);
        context.log("wrote " + count + " numbers for " + context.pipelineId() + "/" + context.taskId() + " run "
                + context.runId() + " attempt " + context.attemptNumber() + ", cancelled=" + context.cancelled());
    }
}
