package io.kindling.executor.local;

import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a SQL or class task body in a given session and writes its log to a stream: the part of a local attempt
 * that the cluster runner ({@code io.kindling.executor.runner.KindlingRunner}) shares, so a task behaves the same
 * in the daemon and on a cluster's driver.
 */
public final class TaskBodies {

    private TaskBodies() {}

    /**
     * @param workDir relative input and output paths resolve against it
     * @return the task values it published, within the size limit
     * @throws Exception when the task fails; {@link #message} turns it into the attempt's error
     */
    public static java.util.Map<String, Object> run(
            SparkSession spark, AttemptRequest request, Path workDir, OutputStream logStream) throws Exception {
        AttemptLog log = AttemptLog.on(logStream, Clock.systemUTC(), request.redactor());
        try {
            TaskBody body = request.body();
            java.util.Map<String, Object> values;
            if (body instanceof TaskBody.Sql sql) {
                values = new SqlTaskRunner(spark, workDir, log, () -> {}, Optional.empty()).run(sql);
            } else if (body instanceof TaskBody.JavaClass javaClass) {
                ClassLoader loader = Thread.currentThread().getContextClassLoader();
                values = ClassTaskRunner.run(
                        javaClass,
                        loader != null ? loader : TaskBodies.class.getClassLoader(),
                        new ClassTaskContext(request, spark, javaClass.args(), workDir, log, () -> false),
                        log);
            } else if (body instanceof TaskBody.Python || body instanceof TaskBody.Notebook) {
                throw new AttemptFailure(
                        "python and notebook tasks run on a local executor only (the cluster runner does not run"
                                + " them yet): give the task executor: local or another executor of type local");
            } else if (body instanceof TaskBody.Stream) {
                throw new AttemptFailure("stream tasks run on a local executor only (the cluster runner does not run"
                        + " them yet): give the task executor: local or another executor of type local");
            } else {
                throw new AttemptFailure("a " + body.getClass().getSimpleName() + " body cannot run here");
            }
            LocalAttempt.checkValues(values);
            return values;
        } catch (Exception e) {
            log.stackTrace(e);
            throw e;
        } finally {
            log.close();
        }
    }

    /** The one-paragraph error an attempt reports for this failure. */
    public static String message(Throwable failure) {
        return Failures.message(failure);
    }

    /** The first paragraph of an error text, on one line (Spark's query context blocks are left to the log). */
    public static String firstParagraph(String text) {
        return Failures.firstParagraph(text);
    }

    /** A SQL body's statements, split on {@code ;} outside quotes, backticks and comments, as the local executor runs them. */
    public static java.util.List<String> statements(String sql) {
        return SqlStatements.split(sql).stream()
                .map(SqlStatements.Statement::sql)
                .toList();
    }

    /** A task's data path as the local executor reads it: URIs and absolute paths as given, others under workDir. */
    public static String resolve(String path, Path workDir) {
        return SqlTaskRunner.resolve(workDir, path);
    }
}
