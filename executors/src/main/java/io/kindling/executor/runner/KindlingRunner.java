package io.kindling.executor.runner;

import io.kindling.executor.AttemptRequest;
import io.kindling.executor.local.TaskBodies;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The main class of {@code kindling-runner.jar}, the small application a remote executor submits to a Spark
 * cluster for SQL and class tasks. Its one argument is a {@link RunnerArgs}. It runs the body exactly as the
 * local executor would, logs to stderr (the driver log the executor collects), and ends with a line starting
 * {@value #RESULT_PREFIX} that the executor reads the attempt's error from; the exit status says how it went.
 */
public final class KindlingRunner {
    public static final String RESULT_PREFIX = "KINDLING-RESULT: ";

    private KindlingRunner() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println(RESULT_PREFIX + "FAILED the runner takes one argument, an encoded task; got "
                    + args.length);
            System.exit(2);
        }
        RunnerArgs task = RunnerArgs.decode(args[0]);
        AttemptRequest request = task.request();
        SparkSession spark = SparkSession.builder()
                .appName("kindling " + request.pipelineId() + "/" + request.taskId() + " #" + request.attemptNumber())
                .getOrCreate();
        boolean ok = false;
        try {
            System.err.println("kindling runner: attempt " + request.attemptId() + " started, application "
                    + spark.sparkContext().applicationId());
            spark.sparkContext().setJobGroup(request.attemptId(), "kindling " + request.attemptId(), true);
            TaskBodies.run(spark, request, Path.of(task.workDir()), System.err);
            ok = true;
            System.err.println(RESULT_PREFIX + "SUCCEEDED");
        } catch (Exception e) {
            // the driver's stderr stays on the cluster too: the error is masked here, not only by the executor
            System.err.println(RESULT_PREFIX + "FAILED "
                    + request.redactor().mask(TaskBodies.message(e)).replace('\n', ' '));
        } finally {
            System.err.flush();
            spark.stop();
        }
        // A non-zero exit is how a standalone cluster learns the driver FAILED.
        System.exit(ok ? 0 : 1);
    }
}
