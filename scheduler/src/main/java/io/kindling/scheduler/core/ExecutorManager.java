package io.kindling.scheduler.core;

import io.dropwizard.lifecycle.Managed;
import io.kindling.executor.Executor;
import io.kindling.executor.ExecutorFactories;
import io.kindling.executor.Lease;
import io.kindling.scheduler.config.ExecutorConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The executors named in config.yml, created through the executor SPI; closed when the daemon stops. */
public final class ExecutorManager implements Managed {
    private final Map<String, Executor> executors = new LinkedHashMap<>();
    private final Map<String, Integer> slots = new LinkedHashMap<>();

    /**
     * @param settings each executor's entry of config.yml, turned here into the SPI's
     *                 {@link io.kindling.executor.ExecutorConfig} (the same name one layer down, hence in full)
     */
    public ExecutorManager(Map<String, ExecutorConfig> settings, Path workDir) {
        ExecutorFactories factories = new ExecutorFactories();
        settings.forEach((name, s) -> {
            executors.put(
                    name,
                    factories.create(new io.kindling.executor.ExecutorConfig(
                            name, s.getType(), s.getSlots(), workDir, s.getSparkConf(), s.getOptions())));
            slots.put(name, s.getSlots());
        });
    }

    /** The daemon serves: executors may warm up in the background (the local Spark process). Returns at once. */
    public void daemonReady() {
        executors.values().forEach(Executor::daemonReady);
    }

    /** Gives each executor the daemon's lease (before the daemon serves). */
    public void lease(Lease lease) {
        executors.values().forEach(executor -> executor.lease(lease));
    }

    public Map<String, Executor> executors() {
        return Map.copyOf(executors);
    }

    public Map<String, Integer> slots() {
        return Map.copyOf(slots);
    }

    @Override
    public void stop() {
        executors.values().forEach(Executor::close);
    }
}
