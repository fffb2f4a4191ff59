package io.kindling.executor.local;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptLog;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Runs a rendered {@code stream:} body in an attempt's session: the source read as a stream into the view
 * {@code source}, the SQL over it, its rows appended to the sink with the checkpoint kept under
 * {@code <workDir>/checkpoints}. The attempt's thread waits for the query and stops it ({@link StreamingQuery#stop})
 * once the attempt is cancelled or timed out: the query's micro-batches run on Spark's own stream thread, under a
 * job group of their own, so cancelling the attempt's job group would not reach them.
 */
final class StreamTaskRunner {
    /** The folder under the executor's work dir that holds every stream task's checkpoint. */
    static final String CHECKPOINTS = "checkpoints";
    /** How often the waiting thread looks for a cancel, and for new progress to log. */
    private static final long POLL_MILLIS = 200;

    private final SparkSession spark;
    private final Path workDir;
    private final AttemptLog log;
    private final BooleanSupplier cancelled;
    private final String pipelineId;
    private final String taskId;

    StreamTaskRunner(
            SparkSession spark,
            Path workDir,
            AttemptLog log,
            BooleanSupplier cancelled,
            String pipelineId,
            String taskId) {
        this.spark = spark;
        this.workDir = workDir;
        this.log = log;
        this.cancelled = cancelled;
        this.pipelineId = pipelineId;
        this.taskId = taskId;
    }

    /**
     * The checkpoint of a stream task: its own {@code checkpoint:} or {@code <pipeline>/<task>}, under the executor's
     * checkpoints folder, so each run of the task resumes where the one before stopped. The parser keeps a given
     * one relative and free of {@code ..}; normalising again keeps a request from elsewhere inside the folder too.
     */
    static Path checkpoint(Path workDir, TaskBody.Stream body, String pipelineId, String taskId) {
        Path root = workDir.resolve(CHECKPOINTS).toAbsolutePath().normalize();
        Path folder = root.resolve(body.checkpoint().orElse(pipelineId + "/" + taskId))
                .normalize();
        if (!folder.startsWith(root) || folder.equals(root)) {
            throw new IllegalArgumentException(
                    "checkpoint '" + body.checkpoint().orElse("") + "' is not under " + root);
        }
        return folder;
    }

    /** Returns when the query ended by itself ({@code available_now}) or was stopped for a cancel. */
    void run(TaskBody.Stream body) throws AttemptFailure {
        String sourcePath = SqlTaskRunner.resolve(workDir, body.source().path());
        String sinkPath = SqlTaskRunner.resolve(workDir, body.sink().path());
        Path checkpoint;
        try {
            checkpoint = checkpoint(workDir, body, pipelineId, taskId);
        } catch (IllegalArgumentException e) {
            throw new AttemptFailure(e.getMessage(), e);
        }
        DataPaths.check(spark, sourcePath, "the stream's source");
        DataPaths.check(spark, sinkPath, "the stream's sink");
        Map<String, Object> args = SqlArgs.forSpark(body.args());
        StreamingQuery query;
        try {
            // Spark turns adaptive execution off for streaming queries anyway, with a warning at every start
            spark.conf().set("spark.sql.adaptive.enabled", "false");
            DataStreamReader reader = spark.readStream()
                    .format(body.source().format())
                    .options(body.source().options());
            if (body.schema().isPresent()) {
                reader = reader.schema(body.schema().get());
            }
            reader.load(sourcePath).createOrReplaceTempView(TaskBody.Stream.SOURCE_VIEW);
            log.line("source: " + body.source().format() + " " + sourcePath + options(body.source())
                    + body.schema().map(s -> " schema " + s).orElse(""));
            if (!args.isEmpty()) {
                log.line("parameter markers: " + SqlArgs.describe(body.args()));
            }
            log.line("sql:\n" + body.sql());
            Dataset<Row> result = args.isEmpty() ? spark.sql(body.sql()) : spark.sql(body.sql(), args);
            query = result.writeStream()
                    .format(body.sink().format())
                    .options(body.sink().options())
                    .outputMode("append")
                    .option("checkpointLocation", checkpoint.toString())
                    .trigger(body.interval()
                            .map(interval -> Trigger.ProcessingTime(interval.toMillis()))
                            .orElse(Trigger.AvailableNow()))
                    .start(sinkPath);
        } catch (Exception e) { // Spark's Scala code throws checked exceptions undeclared
            throw new AttemptFailure("the streaming query could not start: " + Failures.message(e), e);
        }
        log.line("streaming query " + query.id() + " started (run " + query.runId() + "): sink "
                + body.sink().format() + " " + sinkPath + options(body.sink()) + ", checkpoint " + checkpoint
                + ", "
                + body.interval()
                        .map(i -> "a micro-batch every " + i.toMillis() + " ms")
                        .orElse("what the source holds now (available_now)"));
        follow(query);
    }

    private void follow(StreamingQuery query) throws AttemptFailure {
        long logged = -1;
        try {
            while (!query.awaitTermination(POLL_MILLIS)) {
                logged = logProgress(query, logged);
                if (cancelled.getAsBoolean()) {
                    log.line("stopping streaming query " + query.id());
                    query.stop();
                    logProgress(query, logged);
                    log.line("streaming query " + query.id() + " stopped");
                    return;
                }
            }
            logProgress(query, logged);
            log.line("streaming query " + query.id() + " ended");
        } catch (Exception e) {
            throw new AttemptFailure("the streaming query failed: " + Failures.message(e), e);
        } finally {
            if (query.isActive()) { // the attempt ends, whatever happened: never leave its query running
                try {
                    query.stop();
                } catch (Exception e) {
                    log.line("stopping streaming query " + query.id() + " failed: " + Failures.message(e));
                }
            }
        }
    }

    /** Logs the batches that completed since {@code logged}; returns the last one logged. */
    private long logProgress(StreamingQuery query, long logged) {
        StreamingQueryProgress[] recent = query.recentProgress();
        long last = logged;
        for (StreamingQueryProgress progress : recent) {
            if (progress.batchId() > last) {
                if (progress.numInputRows() > 0) {
                    log.line("micro-batch " + progress.batchId() + ": " + progress.numInputRows() + " rows");
                }
                last = progress.batchId();
            }
        }
        return last;
    }

    private static String options(DataRef ref) {
        return ref.options().isEmpty() ? "" : " options " + new TreeMap<>(ref.options());
    }
}
