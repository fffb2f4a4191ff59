package io.kindling.executor;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A started attempt. */
public interface AttemptHandle {

    /** Completes exactly once, when the attempt has ended, whatever the way. Never completes exceptionally. */
    CompletionStage<AttemptResult> result();

    /**
     * Asks the attempt to stop (its Spark jobs are cancelled); the result then completes with
     * {@link AttemptResult.Outcome#CANCELLED} unless it had already ended. Idempotent, returns at once.
     */
    void cancel(String reason);

    /** The Spark application id, once known. */
    Optional<String> sparkApplicationId();

    /**
     * The id the cluster knows the attempt by (standalone driver id, Spark Connect session and operation of the
     * running statement), once submitted; empty for attempts that run inside the daemon.
     */
    default Optional<String> remoteId() {
        return Optional.empty();
    }

    /** An attempt that had ended before it was handed out (refused, or nothing to follow): cancel does nothing. */
    static AttemptHandle ended(AttemptResult result) {
        CompletionStage<AttemptResult> done = CompletableFuture.completedStage(result);
        return new AttemptHandle() {
            @Override
            public CompletionStage<AttemptResult> result() {
                return done;
            }

            @Override
            public void cancel(String reason) {}

            @Override
            public Optional<String> sparkApplicationId() {
                return Optional.empty();
            }
        };
    }
}
