package io.kindling.executor.runner;

import io.kindling.executor.AttemptRequest;
import io.kindling.executor.TaskValuesJson;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.executor.local.DriverMetrics;
import io.kindling.executor.local.TaskBodies;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The main class of {@code kindling-runner.jar}, the small application a remote executor submits to a Spark
 * cluster for SQL and class tasks. Its one argument is a {@link RunnerArgs}. It runs the body exactly as the
 * local executor would, logs to stderr (the driver log the executor collects), and ends with a line starting
 * {@value #RESULT_PREFIX} that the executor reads the attempt's error from; the exit status says how it went.
 */
public final class KindlingRunner {
    public static final String RESULT_PREFIX = "KINDLING-RESULT: ";
    /** The line before the result: the attempt's {@code SparkMetrics} as JSON, read back with the result. */
    public static final String METRICS_PREFIX = "KINDLING-METRICS: ";
    /** Before a SUCCEEDED result: the task values it published, as JSON on one line. */
    public static final String VALUES_PREFIX = "KINDLING-VALUES: ";

    private KindlingRunner() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println(
                    RESULT_PREFIX + "FAILED the runner takes one argument, an encoded task; got " + args.length);
            System.exit(2);
        }
        RunnerArgs task = RunnerArgs.decode(args[0]);
        AttemptRequest request = task.request();
        SparkSession.Builder builder = SparkSession.builder()
                .appName("kindling " + request.pipelineId() + "/" + request.taskId() + " #" + request.attemptNumber());
        guard(new SparkConf(), Path.of(task.workDir())).forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        boolean ok = false;
        try {
            System.err.println("kindling runner: attempt " + request.attemptId() + " started, application "
                    + spark.sparkContext().applicationId());
            DriverMetrics metrics = DriverMetrics.follow(spark.sparkContext(), request.attemptId());
            spark.sparkContext().setJobGroup(request.attemptId(), "kindling " + request.attemptId(), true);
            String error = null;
            try {
                SparkGuard.requireInstalled(spark);
                Map<String, Object> values = TaskBodies.run(spark, request, Path.of(task.workDir()), System.err);
                if (!values.isEmpty()) {
                    System.err.println(VALUES_PREFIX + TaskValuesJson.encode(values));
                }
                ok = true;
            } catch (Exception e) {
                error = TaskBodies.message(e);
            }
            // A failed attempt reports the figures of what ran too; the line is JSON on one line.
            System.err.println(METRICS_PREFIX + metrics.collect().toJson());
            // the driver's stderr stays on the cluster too: the error is masked here, not only by the executor
            System.err.println(
                    ok
                            ? RESULT_PREFIX + "SUCCEEDED"
                            : RESULT_PREFIX + "FAILED "
                                    + request.redactor().mask(error).replace('\n', ' '));
        } catch (Exception e) {
            System.err.println(RESULT_PREFIX + "FAILED "
                    + request.redactor().mask(TaskBodies.message(e)).replace('\n', ' '));
        } finally {
            System.err.flush();
            spark.stop();
        }
        // A non-zero exit is how a standalone cluster learns the driver FAILED.
        System.exit(ok ? 0 : 1);
    }

    /**
     * The SQL guard is installed whatever submitted the runner: the executor sends its roots and on/off setting
     * ({@link SparkGuard#sparkConf}); without them the guard is on and only the work dir is allowed.
     */
    static Map<String, String> guard(SparkConf submitted, Path workDir) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put(SparkGuard.EXTENSIONS_KEY, SparkGuard.withExtension(submitted.get(SparkGuard.EXTENSIONS_KEY, "")));
        boolean enabled = !"false"
                .equalsIgnoreCase(submitted.get(SparkGuard.ENABLED_KEY, "true").strip());
        conf.put(SparkGuard.ENABLED_KEY, Boolean.toString(enabled));
        conf.put(
                SparkGuard.ROOTS_KEY,
                submitted.get(
                        SparkGuard.ROOTS_KEY,
                        SparkGuard.roots(workDir, java.util.List.of()).asConf()));
        conf.put(SparkGuard.RUN_SQL_ON_FILES_KEY, Boolean.toString(!enabled));
        return conf;
    }
}
