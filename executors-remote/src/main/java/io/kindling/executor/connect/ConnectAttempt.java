package io.kindling.executor.connect;

import io.kindling.dsl.DataRef;
import io.kindling.dsl.TaskBody;
import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptListener;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.ExecutorConfig;
import io.kindling.executor.local.TaskBodies;
import io.kindling.executor.standalone.RemoteLog;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One SQL attempt through Spark Connect, on a thread of its own: a new session on the server, the inputs as
 * temporary views, the statements in order, the last one written to the output or previewed. Cancel interrupts
 * the session's operations on the server.
 */
final class ConnectAttempt implements AttemptHandle, Runnable {
    private final AttemptRequest request;
    private final ExecutorConfig config;
    private final ConnectOptions options;
    private final AttemptListener listener;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Consumer<ConnectAttempt> onEnd;
    private final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    private volatile String sessionId;
    private RemoteLog log;

    // Guarded by this.
    private ConnectSession session;
    private String cancelReason;

    ConnectAttempt(AttemptRequest request, ExecutorConfig config, ConnectOptions options, AttemptListener listener,
                   Clock clock, ScheduledExecutorService timer, Consumer<ConnectAttempt> onEnd) {
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

    /** The server's id of the attempt's session. */
    @Override
    public Optional<String> remoteId() {
        return Optional.ofNullable(sessionId);
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
        timer.schedule(() -> {
            if (!result.isDone()) {
                log.line("the attempt did not stop within " + options.cancelGrace().toSeconds() + " s of the cancel;"
                        + " reported as cancelled");
                finish(AttemptResult.cancelled(why));
            }
        }, options.cancelGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            log = RemoteLog.open(request.logFile(), clock);
        } catch (IOException e) {
            finish(AttemptResult.failed("cannot write the attempt log " + request.logFile() + ": " + e.getMessage()));
            return;
        }
        long started = System.nanoTime();
        try {
            finish(runLogged(started));
        } catch (RuntimeException | Error e) {
            log.line("attempt failed: " + e);
            finish(AttemptResult.failed("the Spark Connect executor failed: " + e.getMessage()));
            throw e;
        }
    }

    private AttemptResult runLogged(long started) {
        log.line("attempt " + request.attemptId() + ": task " + request.taskId() + " (attempt "
                + request.attemptNumber() + ") of pipeline " + request.pipelineId() + ", run " + request.runId());
        log.line("executor " + config.name() + " (type spark-connect, " + options.url() + ")");
        if (!(request.body() instanceof TaskBody.Sql sql)) {
            return AttemptResult.failed("executor '" + config.name() + "' (type spark-connect) runs sql tasks; "
                    + "class and submit tasks need a local or spark-standalone executor");
        }
        Optional<String> unreachable = options.unreachable();
        if (unreachable.isPresent()) {
            log.line(unreachable.get());
            return AttemptResult.failed(unreachable.get());
        }
        Map<String, String> sparkConf = new LinkedHashMap<>(config.sparkConf());
        sparkConf.putAll(request.sparkConf());
        try (ConnectSession opened = ConnectSession.open(options.url(), sparkConf, "kindling-" + request.attemptId(),
                log::line)) {
            String reason;
            synchronized (this) {
                session = opened;
                reason = cancelReason;
            }
            sessionId = opened.sessionId();
            log.line("Spark Connect session " + sessionId);
            listener.submitted(sessionId);
            if (reason != null) {
                return cancelled(started, reason);
            }
            runSql(opened, sql);
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
            String message = TaskBodies.firstParagraph(e.getMessage());
            log.line("attempt failed after " + millisSince(started) + " ms: " + message);
            log.raw(stackTrace(e.getCause()));
            return AttemptResult.failed(message);
        }
    }

    private void runSql(ConnectSession spark, TaskBody.Sql body) throws ConnectFailure {
        Path workDir = config.workDir().toAbsolutePath();
        for (Map.Entry<String, DataRef> input : new TreeMap<>(body.inputs()).entrySet()) {
            DataRef ref = input.getValue();
            String path = TaskBodies.resolve(ref.path(), workDir);
            log.line("input " + input.getKey() + ": " + ref.format() + " " + path);
            spark.registerInput(input.getKey(), ref.format(), path, ref.options());
        }
        List<String> statements = TaskBodies.statements(body.sql());
        if (statements.isEmpty()) {
            throw new ConnectFailure(new IllegalArgumentException("the task's SQL holds no statement"));
        }
        for (int i = 0; i < statements.size(); i++) {
            String name = "statement " + (i + 1) + " of " + statements.size();
            log.line(name + ":\n" + statements.get(i));
            long started = System.nanoTime();
            if (i < statements.size() - 1) {
                spark.run(statements.get(i));
            } else if (body.output().isPresent()) {
                DataRef output = body.output().get();
                String path = TaskBodies.resolve(output.path(), workDir);
                spark.runAndWrite(statements.get(i), output.format(), output.mode(), path, output.options());
                log.line("output written: " + output.format() + " " + path + " (mode " + output.mode() + ")");
            } else {
                preview(spark.runAndPreview(statements.get(i)));
            }
            log.line(name + " done in " + millisSince(started) + " ms");
        }
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
        if (!result.isDone()) {
            onEnd.accept(this);
            if (log != null) {
                log.close();
            }
            result.complete(outcome);
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
