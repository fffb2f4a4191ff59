package io.kindling.executor.standalone;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptListener;
import io.kindling.executor.AttemptLog;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import io.kindling.executor.SparkMetrics;
import io.kindling.executor.TaskValuesJson;
import io.kindling.executor.runner.KindlingRunner;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt on a standalone cluster: a driver submitted through the master's REST server (or found again by
 * its id after a restart), whose status is polled until it ends while its stderr is copied into the attempt log.
 * Cancel asks the master to kill the driver.
 */
final class StandaloneAttempt implements AttemptHandle {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneAttempt.class);
    private static final Pattern APPLICATION_ID = Pattern.compile("\\b(app-\\d{14}-\\d{4,})\\b");

    private final AttemptRequest request;
    private final StandaloneOptions options;
    private final RestSubmissionClient rest;
    private final Optional<DriverLogs> logs;
    private final ScheduledExecutorService timer;
    private final Consumer<StandaloneAttempt> onEnd;
    private final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    private final StringBuilder partialLine = new StringBuilder();
    private AttemptLog log;
    private volatile String driverId;
    private volatile String applicationId;

    // Guarded by this.
    private String cancelReason;
    private boolean killSent;
    private String runnerError;
    /** Guarded by this: what the runner reported the attempt did in Spark, from its driver log. */
    private SparkMetrics sparkMetrics;
    /** The task values the runner reported, and why they could not be read if not; guarded by this. */
    private Map<String, Object> values;

    private String valuesError;

    private URI workerWebUi;
    private long logOffset;
    private boolean unreachable;

    StandaloneAttempt(
            AttemptRequest request,
            StandaloneOptions options,
            RestSubmissionClient rest,
            Optional<DriverLogs> logs,
            ScheduledExecutorService timer,
            Consumer<StandaloneAttempt> onEnd) {
        this.request = request;
        this.options = options;
        this.rest = rest;
        this.logs = logs;
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
        return Optional.ofNullable(applicationId);
    }

    @Override
    public Optional<String> remoteId() {
        return Optional.ofNullable(driverId);
    }

    boolean openLog(Clock clock) {
        try {
            log = AttemptLog.open(request, clock);
            return true;
        } catch (IOException e) {
            finish(AttemptLog.unwritable(request, e));
            return false;
        }
    }

    /** Submits the driver (on the executor's thread), tells the listener its id, then polls. */
    void submit(Submission submission, AttemptListener listener) {
        log.line(request.describe());
        log.line("executor " + submission.executorName() + " (type spark-standalone, master " + options.master()
                + "): submitting " + submission.describe() + " to " + rest.base());
        if (cancelRequested() != null) {
            finish(AttemptResult.cancelled(cancelRequested()));
            return;
        }
        String id;
        try {
            id = rest.create(
                    submission.appResource(), submission.mainClass(), submission.args(), submission.sparkProperties());
        } catch (ClusterException e) {
            log.line("submission failed: " + e.getMessage());
            finish(AttemptResult.failed(e.getMessage()));
            return;
        }
        driverId = id;
        log.line("submitted as " + id);
        try {
            listener.submitted(id);
        } catch (RuntimeException e) {
            log.line("could not record " + id + " (" + e.getMessage() + "); killing it");
            kill("the driver id could not be recorded");
            finish(AttemptResult.failed(
                    "driver " + id + " was submitted but its id could not be recorded: " + e.getMessage()));
            return;
        }
        if (cancelRequested() != null) {
            kill(cancelRequested());
        }
        schedulePoll(0);
    }

    /** Tracks a driver submitted before a restart. */
    void attach(String id) {
        driverId = id;
        log.line("re-attached to " + id + " after a restart of Kindling (master " + options.master() + ")");
        schedulePoll(0);
    }

    @Override
    public void cancel(String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled" : reason.strip();
        synchronized (this) {
            if (result.isDone() || cancelReason != null) {
                return;
            }
            cancelReason = why;
        }
        if (log != null) {
            log.line("cancel requested: " + why);
        }
        if (driverId != null) {
            timer.execute(() -> kill(why));
        }
        timer.schedule(() -> giveUpWaiting(why), options.cancelGrace().toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized String cancelRequested() {
        return cancelReason;
    }

    private void kill(String why) {
        synchronized (this) {
            if (killSent || result.isDone()) {
                return;
            }
            killSent = true;
        }
        try {
            RestSubmissionClient.KillAnswer answer = rest.kill(driverId);
            log.line(
                    answer.accepted()
                            ? "asked the master to kill " + driverId + " (" + why + ")"
                            : "the master did not kill " + driverId + ": " + answer.message());
        } catch (ClusterException e) {
            log.line("could not ask the master to kill " + driverId + ": " + e.getMessage());
            synchronized (this) {
                killSent = false; // the next poll tries again
            }
        }
    }

    private void schedulePoll(long delayMillis) {
        if (!result.isDone()) {
            timer.schedule(this::poll, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void poll() {
        if (result.isDone()) {
            return;
        }
        try {
            String reason = cancelRequested();
            if (reason != null) {
                kill(reason);
            }
            RestSubmissionClient.DriverStatus status = rest.status(driverId);
            if (unreachable) {
                unreachable = false;
                log.line("the master answers again");
            }
            if (!status.found()) {
                finish(AttemptResult.failed("driver " + driverId + " was not found on the master at " + rest.base()
                        + " (it may have been forgotten by a restarted master)"));
                return;
            }
            status.workerId().ifPresent(this::copyLog);
            if (status.ended()) {
                status.workerId().ifPresent(this::copyLog);
                ended(status);
                return;
            }
        } catch (ClusterException e) {
            if (!unreachable) {
                unreachable = true;
                log.line(e.getMessage() + "; still trying");
            }
        } catch (RuntimeException e) {
            LOG.warn("attempt {}: polling {} failed", request.attemptId(), driverId, e);
        }
        schedulePoll(options.pollInterval().toMillis());
    }

    private void ended(RestSubmissionClient.DriverStatus status) {
        String reason = cancelRequested();
        String error;
        synchronized (this) {
            error = runnerError;
        }
        log.line("driver " + driverId + " ended " + status.state());
        switch (status.state()) {
            case "FINISHED" -> finish(finishedResult());
            case "KILLED" ->
                finish(
                        reason != null
                                ? AttemptResult.cancelled(reason)
                                : AttemptResult.failed("driver " + driverId + " was killed outside Kindling"));
            case "ERROR" ->
                finish(AttemptResult.failed("driver " + driverId + " could not be launched: "
                        + status.message().orElse("no reason given; see the log")));
            default ->
                finish(
                        reason != null
                                ? AttemptResult.cancelled(reason)
                                : AttemptResult.failed(
                                        error != null
                                                ? error
                                                : "driver " + driverId
                                                        + " failed (non-zero exit); see the attempt log"));
        }
    }

    /**
     * A finished driver's result: with the task values its runner reported (read from its log, so only when the
     * executor can read driver logs; a task that published values without being heard fails rather than lose them).
     */
    private synchronized AttemptResult finishedResult() {
        if (valuesError != null) {
            return AttemptResult.failed(valuesError);
        }
        return AttemptResult.succeeded().withValues(values == null ? Map.of() : values);
    }

    /** Copies what the driver wrote to stderr since the last call; a log that cannot be read is not an error. */
    private void copyLog(String workerId) {
        if (logs.isEmpty()) {
            return;
        }
        try {
            URI worker;
            synchronized (this) {
                worker = workerWebUi;
            }
            if (worker == null) {
                worker = logs.get().workerWebUi(workerId).orElse(null);
                if (worker == null) {
                    return;
                }
                synchronized (this) {
                    workerWebUi = worker;
                }
                log.line("driver log (stderr) from the worker at " + worker + ":");
            }
            DriverLogs.Piece piece;
            do {
                long offset;
                synchronized (this) {
                    offset = logOffset;
                }
                piece = logs.get().read(worker, driverId, offset);
                synchronized (this) {
                    logOffset = piece.nextOffset();
                }
                log.raw(piece.text());
                scan(piece.text());
            } while (piece.more());
        } catch (ClusterException e) {
            LOG.debug("attempt {}: driver log not readable now: {}", request.attemptId(), e.getMessage());
        }
    }

    /** Picks the runner's result line and the Spark application id out of the driver's log. */
    private synchronized void scan(String text) {
        partialLine.append(text);
        int newline;
        while ((newline = partialLine.indexOf("\n")) >= 0) {
            String line = partialLine.substring(0, newline);
            partialLine.delete(0, newline + 1);
            int metricsAt = line.indexOf(KindlingRunner.METRICS_PREFIX);
            if (metricsAt >= 0) {
                String json = line.substring(metricsAt + KindlingRunner.METRICS_PREFIX.length());
                try {
                    sparkMetrics = SparkMetrics.fromJson(json);
                } catch (IllegalArgumentException e) { // the attempt's outcome still counts
                    LOG.warn(
                            "attempt {}: the runner's metrics cannot be read: {}", request.attemptId(), e.getMessage());
                }
            }
            int valuesAt = line.indexOf(KindlingRunner.VALUES_PREFIX);
            if (valuesAt >= 0) {
                try {
                    values = TaskValuesJson.decode(line.substring(valuesAt + KindlingRunner.VALUES_PREFIX.length()));
                } catch (IllegalArgumentException e) { // published but unreadable: the attempt cannot succeed
                    valuesError = "the task values the driver reported cannot be read: " + e.getMessage();
                }
            }
            int result = line.indexOf(KindlingRunner.RESULT_PREFIX + "FAILED ");
            if (result >= 0) {
                runnerError = line.substring(result + KindlingRunner.RESULT_PREFIX.length() + "FAILED ".length())
                        .strip();
            }
            if (applicationId == null) {
                Matcher matcher = APPLICATION_ID.matcher(line);
                if (matcher.find()) {
                    applicationId = matcher.group(1);
                }
            }
        }
    }

    private void giveUpWaiting(String reason) {
        if (!result.isDone()) {
            log.line("the driver did not stop within " + options.cancelGrace().toSeconds()
                    + " s of the cancel; reported as cancelled");
            finish(AttemptResult.cancelled(reason));
        }
    }

    private synchronized void finish(AttemptResult outcome) {
        if (!result.isDone()) {
            onEnd.accept(this);
            if (log != null) {
                log.line("attempt " + outcome.outcome().name().toLowerCase(java.util.Locale.ROOT)
                        + outcome.error().map(e -> ": " + e).orElse(""));
                log.close();
            }
            // The error is stored and shown by the daemon: mask the attempt's secrets in it.
            result.complete(new AttemptResult(
                    outcome.outcome(),
                    outcome.error().map(request.redactor()::mask),
                    Optional.ofNullable(sparkMetrics),
                    outcome.values()));
        }
    }
}
