package io.kindling.scheduler;

import io.dropwizard.lifecycle.Managed;
import io.kindling.scheduler.cluster.ClusterMembership;
import io.kindling.scheduler.core.RunEngine;
import java.time.Duration;

/**
 * Starts the engine after the executors and stops it before them. On start the daemon joins the cluster (taking
 * over what its previous life, or a dead daemon, left), the engine resumes those runs, then heartbeats begin; a
 * stop lets running attempts finish for up to the grace period, releases what is left, and leaves the cluster.
 */
public final class EngineLifecycle implements Managed {
    private final RunEngine engine;
    private final ClusterMembership membership;
    private final Duration shutdownGrace;

    public EngineLifecycle(RunEngine engine, ClusterMembership membership, Duration shutdownGrace) {
        this.engine = engine;
        this.membership = membership;
        this.shutdownGrace = shutdownGrace;
    }

    @Override
    public void start() {
        membership.join();
        engine.start();
        membership.startHeartbeats(engine);
    }

    @Override
    public void stop() {
        engine.shutdown(shutdownGrace);
        membership.leave();
    }
}
