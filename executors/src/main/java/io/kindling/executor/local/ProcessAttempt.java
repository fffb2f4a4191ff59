package io.kindling.executor.local;

import io.kindling.executor.AttemptHandle;
import io.kindling.executor.AttemptRequest;
import io.kindling.executor.AttemptResult;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An attempt handed to a local executor's Spark process ({@link SparkProcessExecutor}); it ends once, from its
 * result, its process's exit or a cancel before it was sent.
 */
final class ProcessAttempt implements AttemptHandle {
    final AttemptRequest request;
    final CompletableFuture<AttemptResult> result = new CompletableFuture<>();
    /** Guarded by the executor's lock: the process it was sent to, null until then. */
    SparkProcess process;

    volatile String cancelReason;
    volatile String applicationId;
    private final Consumer<ProcessAttempt> onEnd;
    private final BiConsumer<ProcessAttempt, String> onCancel;

    ProcessAttempt(
            AttemptRequest request, Consumer<ProcessAttempt> onEnd, BiConsumer<ProcessAttempt, String> onCancel) {
        this.request = request;
        this.onEnd = onEnd;
        this.onCancel = onCancel;
    }

    void end(AttemptResult outcome) {
        onEnd.accept(this);
        result.complete(outcome);
    }

    @Override
    public CompletionStage<AttemptResult> result() {
        return result.minimalCompletionStage();
    }

    /** Asks the executor to cancel it, once; the result says when it ended. */
    @Override
    public void cancel(String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled" : reason.strip();
        synchronized (this) {
            if (result.isDone() || cancelReason != null) {
                return;
            }
            cancelReason = why;
        }
        onCancel.accept(this, why);
    }

    @Override
    public Optional<String> sparkApplicationId() {
        return Optional.ofNullable(applicationId);
    }
}
