package io.kindling.executor;

/**
 * Creates executors of one type ({@code local}, {@code spark-standalone}, ...). Registered in
 * {@code META-INF/services/io.kindling.executor.ExecutorFactory}; adding a kind of cluster adds a factory
 * and touches nothing else.
 */
public interface ExecutorFactory {

    /** The {@code type:} value in config.yml that selects this factory. */
    String type();

    Executor create(ExecutorConfig config);
}
