package io.kindling.scheduler.core;

import io.dropwizard.lifecycle.Managed;

/** Starts the engine (resuming unfinished runs) after the executors, and stops it before them. */
public final class EngineLifecycle implements Managed {
    private final RunEngine engine;

    public EngineLifecycle(RunEngine engine) {
        this.engine = engine;
    }

    @Override
    public void start() {
        engine.start();
    }

    @Override
    public void stop() {
        engine.close();
    }
}
