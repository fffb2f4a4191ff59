package io.kindling.executor;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds {@link ExecutorFactory} implementations on the classpath and creates executors by type. */
public final class ExecutorFactories {
    private final Map<String, ExecutorFactory> factories = new HashMap<>();

    public ExecutorFactories() {
        for (ExecutorFactory factory : ServiceLoader.load(ExecutorFactory.class)) {
            factories.putIfAbsent(factory.type(), factory);
        }
    }

    public Executor create(ExecutorConfig config) {
        ExecutorFactory factory = factories.get(config.type());
        if (factory == null) {
            throw new IllegalArgumentException("executor '" + config.name() + "': unknown type '" + config.type()
                    + "', known types: " + factories.keySet());
        }
        return factory.create(config);
    }

    public java.util.Set<String> types() {
        return java.util.Set.copyOf(factories.keySet());
    }
}
