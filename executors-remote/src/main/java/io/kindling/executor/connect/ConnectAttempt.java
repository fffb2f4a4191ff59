package io.kindling.executor.connect;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptListener;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.SparkMetrics;
import io.kindling.executor.guard.SparkGuard;
import io.kindling.executor.guard.SqlGuardException;
import io.kindling.executor.local.SqlArgs;
import io.kindling.executor.local.TaskBodies;
import io.kindling.executor.python.PythonScript;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One SQL attempt through Spark Connect, on a thread of its own: a new session on the server, the inputs as
 * temporary views, the statements in order (one operation each, its id recorded as the attempt's remote id before
 * it starts), the last one written to the output or previewed. Cancel interrupts the session's operations on the
 * server. A Python attempt opens its session the same way (with the attempt's Spark settings) and runs the script in
 * a local Python process ({@link PythonScript}) whose {@code pyspark-client} joins that session; it records no remote
 * id, so a restart of the daemon fails it and its policy retries it.
 *
 * <p>An attempt attached after a restart opens the recorded session again, follows the recorded statement's
 * operation to its end, then runs the statements after it in that session (where the inputs and anything the
 * earlier statements set up still are). {@link #detach} lets go of the server while the operation goes on.
 */
final class ConnectAttempt implements AttemptHandle, Runnable {
    private final AttemptRequest request;
    private final ExecutorConfig config;
    private final ConnectOptions options;
    private final AttemptListener listener;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Consumer<ConnectAttempt> onEnd;
    private final ConnectOperation resumed;
    private final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    private volatile String remoteId;
    private volatile boolean detached;
    /** What the attempt did, as the server told; read before its session is closed. */
    private volatile Optional<SparkMetrics> measured = Optional.empty();

    private AttemptLog log;
    /** Set while a Python script runs: cancel kills its process too. */
    private volatile PythonScript script;

    // Guarded by this.
    private ConnectSession session;
    private String cancelReason;

    /** @param resumed the operation a previous life of the daemon recorded, to follow again; null for a new run */
    ConnectAttempt(
            AttemptRequest request,
            ExecutorConfig config,
            ConnectOptions options,
            AttemptListener listener,
            Clock clock,
            ScheduledExecutorService timer,
            Consumer<ConnectAttempt> onEnd,
            ConnectOperation resumed) {
        this.resumed = resumed;
        this.request = request;
        this.config = config;
        this.options = options;
        this.listener = listener;
        this.clock = clock;
        this.timer = timer;
        this.onEnd = onEnd;
    }

    String attemptId() {
        return request.attemptId();
    }

    @Override
    public CompletionStage<AttemptResult> result() {
        return result.minimalCompletionStage();
    }

    @Override
    public Optional<String> sparkApplicationId() {
        return Optional.empty();
    }

    /** The session and operation of the statement running, as {@link ConnectOperation#encode}; once recorded. */
    @Override
    public Optional<String> remoteId() {
        return Optional.ofNullable(remoteId);
    }

    /**
     * Lets go of the server without stopping anything there (the daemon stops): the connection is dropped and the
     * result never completes; a later daemon follows the operation again by the recorded remote id.
     */
    void detach() {
        ConnectSession open;
        synchronized (this) {
            if (result.isDone()) {
                return;
            }
            detached = true;
            open = session;
        }
        if (log != null) {
            log.line("Kindling stops: the operation goes on on the server, to be followed again by " + remoteId);
            log.close();
        }
        onEnd.accept(this);
        if (open != null) {
            open.detach();
        }
    }

    @Override
    public void cancel(String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled" : reason.strip();
        ConnectSession open;
        synchronized (this) {
            if (result.isDone() || cancelReason != null) {
                return;
            }
            cancelReason = why;
            open = session;
        }
        if (log != null) {
            log.line("cancel requested: " + why);
        }
        if (open != null) {
            timer.execute(() -> interrupt(open));
        }
        PythonScript running = script;
        if (running != null) {
            timer.execute(() -> running.cancel(why));
        }
        timer.schedule(
                () -> {
                    if (!result.isDone()) {
                        log.line("the attempt did not stop within "
                                + options.cancelGrace().toSeconds() + " s of the cancel;" + " reported as cancelled");
                        finish(AttemptResult.cancelled(why));
                    }
                },
                options.cancelGrace().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            log = AttemptLog.open(request, clock);
        } catch (IOException e) {
            finish(AttemptLog.unwritable(request, e));
            return;
        }
        long started = System.nanoTime();
        try {
            finish(runLogged(started).withSparkMetrics(measured));
        } catch (RuntimeException | Error e) {
            log.line("attempt failed: " + e);
            finish(AttemptResult.failed("the Spark Connect executor failed: " + e.getMessage()));
            throw e;
        }
    }

    private AttemptResult runLogged(long started) {
        log.line(request.describe());
        log.line("executor " + config.name() + " (type spark-connect, " + options.url() + ")");
        if (resumed != null) {
            log.line("re-attaching after a restart of Kindling: operation " + resumed.operationId() + " (statement "
                    + resumed.statement() + ") of Spark Connect session " + resumed.sessionId());
        }
        boolean python = (request.body() instanceof TaskBody.Python || request.body() instanceof TaskBody.Notebook)
                && resumed == null;
        if (!(request.body() instanceof TaskBody.Sql) && !python) {
            return AttemptResult.failed("executor '" + config.name() + "' (type spark-connect) runs sql, python and"
                    + " notebook tasks; class and submit tasks need a local or spark-standalone executor (a Spark"
                    + " Connect server runs the plans a client sends, not a task's own program), stream tasks a local"
                    + " one");
        }
        Optional<String> unreachable = options.unreachable();
        if (unreachable.isPresent()) {
            log.line(unreachable.get());
            return AttemptResult.failed(unreachable.get());
        }
        Map<String, String> sparkConf = new LinkedHashMap<>(config.sparkConf());
        sparkConf.putAll(request.sparkConf());
        try {
            // the server's guard keeps its own settings static; this says so before a session is opened
            SparkGuard.refuseGuardSettings(sparkConf, "the spark_conf");
        } catch (SqlGuardException e) {
            log.line(e.getMessage());
            return AttemptResult.failed(e.getMessage());
        }
        ConnectSession opened = null;
        try {
            // a resumed session has its settings already; setting them again would create it anew if it is gone
            opened = resumed == null
                    ? ConnectSession.open(options.url(), sparkConf, "kindling-" + request.attemptId(), log::line)
                    : ConnectSession.open(
                            options.sessionUrl(resumed.sessionId(), resumed.userId()),
                            Map.of(),
                            "kindling-" + request.attemptId(),
                            log::line);
            String reason;
            synchronized (this) {
                session = opened;
                reason = cancelReason;
            }
            if (resumed == null) {
                log.line("Spark Connect session " + opened.sessionId());
            }
            if (reason != null) {
                return cancelled(started, reason);
            }
            if (resumed == null) { // a resumed session has its jars still
                Set<Path> jars = new LinkedHashSet<>(options.jars());
                jars.addAll(request.libraries());
                opened.addJars(jars, log::line);
            }
            if (python) {
                return runPython(opened, request.body(), started);
            }
            AttemptResult failed = runSql(opened, (TaskBody.Sql) request.body());
            if (failed != null) {
                return failed;
            }
            reason = cancelReason();
            if (reason != null) {
                return cancelled(started, reason);
            }
            log.line("attempt succeeded in " + millisSince(started) + " ms");
            return AttemptResult.succeeded();
        } catch (ConnectFailure e) {
            String reason = cancelReason();
            if (reason != null) {
                return cancelled(started, reason);
            }
            if (detached) {
                return AttemptResult.failed("detached"); // never reported: the result stays open
            }
            String message = TaskBodies.firstParagraph(e.getMessage());
            if (e.notFound()) {
                message = "remote job not found: " + message;
            }
            log.line("attempt failed after " + millisSince(started) + " ms: " + message);
            if (!e.notFound()) {
                log.raw(stackTrace(e.getCause()));
            }
            return AttemptResult.failed(message);
        } finally {
            if (opened != null && !detached) {
                measured = opened.metrics();
                opened.close();
            }
        }
    }

    /** Runs the script in a local Python process on {@code spark}'s session; cancel kills it and interrupts the session. */
    private AttemptResult runPython(ConnectSession spark, TaskBody body, long started) throws ConnectFailure {
        PythonScript running = new PythonScript(
                request,
                config.workDir().toAbsolutePath(),
                options.python(),
                config.name(),
                log,
                () -> interrupt(spark));
        script = running;
        try {
            String reason = cancelReason();
            if (reason != null) { // cancelled before the script was there to hear it
                running.cancel(reason);
            }
            Map<String, Object> values = running.run(
                    body,
                    options.sessionUrl(spark.sessionId(), spark.userId()),
                    "",
                    "Spark Connect session " + spark.sessionId() + " of " + options.url());
            reason = cancelReason();
            if (reason != null) {
                return cancelled(started, reason);
            }
            log.line("attempt succeeded in " + millisSince(started) + " ms");
            return AttemptResult.succeeded().withValues(values);
        } catch (PythonScript.Failure e) {
            log.line("attempt failed after " + millisSince(started) + " ms: " + e.getMessage());
            return AttemptResult.failed(e.getMessage());
        } catch (IOException e) {
            return AttemptResult.failed("cannot run the Python task: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.cancel("interrupted");
            return AttemptResult.failed("interrupted while the Python task ran");
        } finally {
            script = null;
        }
    }

    /** Runs the statements (after the resumed one, when resumed); a failed result when one cannot be recorded. */
    private AttemptResult runSql(ConnectSession spark, TaskBody.Sql body) throws ConnectFailure {
        Path workDir = config.workDir().toAbsolutePath();
        List<String> statements = TaskBodies.statements(body.sql());
        if (statements.isEmpty()) {
            throw new ConnectFailure(new IllegalArgumentException("the task's SQL holds no statement"));
        }
        if (!body.values().isEmpty() || !body.taskValues().isEmpty()) {
            // Spark Connect binds JDK literals only (no struct for :tasks), and its results are not read back yet.
            throw new ConnectFailure(new IllegalArgumentException("task values (values: and :tasks.<id>.<name>) are"
                    + " not yet supported on a Spark Connect executor: run this task on an executor of type local"));
        }
        int first = 1;
        if (resumed != null) {
            if (resumed.statement() > statements.size()) {
                return AttemptResult.failed("remote job not found: statement " + resumed.statement()
                        + " was recorded, but the task has " + statements.size());
            }
            remoteId = resumed.encode();
            long started = System.nanoTime();
            String name = "statement " + resumed.statement() + " of " + statements.size();
            log.line(name + " (followed again):\n" + statements.get(resumed.statement() - 1));
            if (resumed.statement() < statements.size()) {
                spark.follow(resumed.operationId());
            } else if (body.output().isPresent()) {
                spark.follow(resumed.operationId());
                DataRef output = body.output().get();
                log.line("output written: " + output.format() + " " + TaskBodies.resolve(output.path(), workDir)
                        + " (mode " + output.mode() + ")");
            } else {
                preview(spark.followAndPreview(resumed.operationId()));
            }
            log.line(name + " done, " + millisSince(started) + " ms after re-attaching");
            first = resumed.statement() + 1;
        } else {
            for (Map.Entry<String, DataRef> input : new TreeMap<>(body.inputs()).entrySet()) {
                DataRef ref = input.getValue();
                String path = TaskBodies.resolve(ref.path(), workDir);
                log.line("input " + input.getKey() + ": " + ref.format() + " " + path);
                spark.registerInput(input.getKey(), ref.format(), path, ref.options());
            }
        }
        Map<String, Object> args = SqlArgs.forSpark(body.args()); // params bind as literals, never as SQL text
        if (!args.isEmpty()) {
            log.line("parameter markers: " + SqlArgs.describe(body.args()));
        }
        String sessionId = resumed != null ? resumed.sessionId() : spark.sessionId();
        String userId = resumed != null ? resumed.userId() : spark.userId();
        for (int n = first; n <= statements.size(); n++) {
            if (cancelReason() != null) {
                return null;
            }
            String statement = statements.get(n - 1);
            String name = "statement " + n + " of " + statements.size();
            ConnectOperation operation = ConnectOperation.next(sessionId, userId, n);
            try {
                listener.submitted(operation.encode());
            } catch (RuntimeException e) { // nothing runs yet: the operation is not started
                log.line("could not record operation " + operation.operationId() + " (" + e.getMessage() + ")");
                return AttemptResult.failed(
                        "the Spark Connect operation of " + name + " could not be recorded: " + e.getMessage());
            }
            remoteId = operation.encode();
            log.line(name + " (operation " + operation.operationId() + "):\n" + statement);
            long started = System.nanoTime();
            if (n < statements.size()) {
                spark.run(statement, args, operation.operationId());
            } else if (body.output().isPresent()) {
                DataRef output = body.output().get();
                String path = TaskBodies.resolve(output.path(), workDir);
                spark.runAndWrite(
                        statement,
                        args,
                        operation.operationId(),
                        output.format(),
                        output.mode(),
                        path,
                        output.options());
                log.line("output written: " + output.format() + " " + path + " (mode " + output.mode() + ")");
            } else {
                preview(spark.runAndPreview(statement, args, operation.operationId()));
            }
            log.line(name + " done in " + millisSince(started) + " ms");
        }
        return null;
    }

    private void preview(List<List<String>> table) {
        if (table.size() <= 1) {
            log.line("the last statement returned no rows");
            return;
        }
        StringBuilder text = new StringBuilder("the last statement returned:");
        for (List<String> row : table) {
            text.append("\n    ").append(String.join(" | ", row));
        }
        log.line(text.toString());
    }

    private void interrupt(ConnectSession open) {
        try {
            open.interrupt();
        } catch (ConnectFailure e) {
            log.line("interrupting the session failed: " + e.getMessage());
        }
    }

    private synchronized String cancelReason() {
        return cancelReason;
    }

    private AttemptResult cancelled(long started, String reason) {
        log.line("attempt cancelled after " + millisSince(started) + " ms: " + reason);
        return AttemptResult.cancelled(reason);
    }

    private synchronized void finish(AttemptResult outcome) {
        if (!result.isDone() && !detached) {
            onEnd.accept(this);
            if (log != null) {
                log.close();
            }
            result.complete(outcome.masked(request.redactor()));
        }
    }

    private static String stackTrace(Throwable failure) {
        StringWriter text = new StringWriter();
        failure.printStackTrace(new PrintWriter(text));
        return text.toString();
    }

    private static long millisSince(long nanoTime) {
        return (System.nanoTime() - nanoTime) / 1_000_000;
    }
}
