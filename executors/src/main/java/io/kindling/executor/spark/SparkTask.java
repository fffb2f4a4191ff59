package io.kindling.executor.spark;

/**
 * A task written in Java (or any JVM language) and named in a pipeline with {@code class:}. The executor loads
 * the class by name, creates it with its public no-argument constructor (one instance per attempt) and calls
 * {@link #run}. Returning normally means the attempt succeeded; throwing means it failed, with the exception's
 * message as the attempt's error and its stack trace in the attempt log.
 *
 * <p>{@link SparkTaskContext#spark()} is the attempt's own session: temporary views and SQL settings made
 * there are invisible to other attempts. Spark jobs started from the calling thread belong to the attempt
 * and are cancelled with it; a task that waits on anything else should check
 * {@link SparkTaskContext#cancelled()} or respond to {@link Thread#interrupt()}.
 */
@FunctionalInterface
public interface SparkTask {

    void run(SparkTaskContext context) throws Exception;
}
