package io.kindling.scheduler.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import jakarta.validation.constraints.NotNull;

/**
 * {@code cluster:} in config.yml: how daemons sharing one database see each other. A daemon heartbeats every
 * {@code heartbeatInterval}; one whose heartbeat is older than {@code deadAfter} is taken for dead and its runs
 * are adopted by the others. {@code node} names the daemon across restarts: a daemon that starts takes over its
 * previous life's runs at once, without waiting for {@code deadAfter}.
 */
public class ClusterConfig {
    /** Empty: the host name and the API port. Give each daemon sharing a database its own. */
    private String node = "";

    @NotNull
    private Duration heartbeatInterval = Duration.seconds(3);

    @NotNull
    private Duration deadAfter = Duration.seconds(20);
    /**
     * How long before {@code deadAfter} a daemon whose heartbeats do not get through fences itself (stops its attempts,
     * starts nothing); empty: 30 % of {@code deadAfter} (6 s of the default 20 s).
     */
    private Duration fenceMargin;

    /** On SIGTERM, how long running attempts may take to finish before they are interrupted. */
    @NotNull
    private Duration shutdownGrace = Duration.seconds(30);

    @JsonProperty
    public String getNode() {
        return node;
    }

    @JsonProperty
    public void setNode(String node) {
        this.node = node == null ? "" : node;
    }

    @JsonProperty
    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    @JsonProperty
    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    @JsonProperty
    public Duration getDeadAfter() {
        return deadAfter;
    }

    @JsonProperty
    public void setDeadAfter(Duration deadAfter) {
        this.deadAfter = deadAfter;
    }

    @JsonProperty
    public Duration getFenceMargin() {
        return fenceMargin;
    }

    @JsonProperty
    public void setFenceMargin(Duration fenceMargin) {
        this.fenceMargin = fenceMargin;
    }

    /**
     * How long a heartbeat that got through lets the daemon run attempts: {@code deadAfter} minus the fence margin.
     *
     * @throws IllegalArgumentException when that is not longer than two heartbeat intervals (one late heartbeat would
     *     fence the daemon)
     */
    public java.time.Duration leaseTime() {
        java.time.Duration dead = deadAfter.toJavaDuration();
        java.time.Duration margin =
                fenceMargin == null ? dead.multipliedBy(3).dividedBy(10) : fenceMargin.toJavaDuration();
        java.time.Duration lease = dead.minus(margin);
        if (lease.compareTo(heartbeatInterval.toJavaDuration().multipliedBy(2)) <= 0) {
            throw new IllegalArgumentException("cluster: deadAfter (" + deadAfter + ") minus fenceMargin ("
                    + margin.toMillis() + " ms) must be longer than two heartbeatIntervals (" + heartbeatInterval
                    + "): a daemon fences itself that long after its last heartbeat got through");
        }
        return lease;
    }

    @JsonProperty
    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    @JsonProperty
    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }
}
